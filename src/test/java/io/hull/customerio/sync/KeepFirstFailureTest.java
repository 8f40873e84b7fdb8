package io.hull.customerio.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** write-sync-state's split: the caller gets its own body back, and the first failing batch's failure. */
class KeepFirstFailureTest {

    @Test
    void theOriginalBodyAndTheFirstFailure() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange original = new DefaultExchange(camel);
            original.getMessage().setBody(List.of("results"));
            AggregationStrategy strategy = ((Aggregations.KeepFirstFailure) new Aggregations().keepFirstFailure()).newInstance(original);
            Exchange accepted = batch(camel, null);
            Exchange unexpected = batch(camel, new IllegalStateException("first"));
            Exchange unreachable = batch(camel, new IllegalStateException("last"));

            Exchange result = strategy.aggregate(null, accepted);
            result = strategy.aggregate(result, unexpected);
            result = strategy.aggregate(result, unreachable);

            assertThat(result).isSameAs(original);
            assertThat(result.getMessage().getBody()).isEqualTo(List.of("results"));
            assertThat(result.getException()).hasMessage("first");
        }
    }

    private static Exchange batch(DefaultCamelContext camel, Exception failure) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody("entries");
        exchange.setException(failure);
        return exchange;
    }
}
