package io.hull.customerio.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Many webhooks are worked on at once. platform-http runs every request on Spring's task executor, whose
 * default is 8 threads with an unbounded queue: a 9th webhook waited until one of the first 8 was answered,
 * and at 500 webhooks/s they queued for seconds (docs/benchmarks.md). With a firehose batch window of
 * 500 ms, webhooks sent together all wait in the same batch, unless the executor lets only 8 of them in.
 */
@TestPropertySource(properties = "customerio.webhook.batch-window=500ms")
class WebhookConcurrencyTest extends WebhookRouteTestSupport {

    private static final int WEBHOOKS = 30;

    @Test
    void webhooksSentTogetherAreWorkedOnTogether() throws Exception {
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < WEBHOOKS; i++) {
            ObjectNode webhook = CustomerIoWebhookRouteTest.webhook("email", "clicked", Map.of("customer_id", "c" + i));
            bodies.add(bytes(webhook));
        }
        for (HttpResponse<String> answer : sendAllAtOnce(bodies)) {
            assertThat(answer.statusCode()).isEqualTo(200);
        }

        assertThat(receivedEntries()).hasSize(WEBHOOKS);
        int largestBatch = firehoseRequests().stream().mapToInt(request -> {
            try {
                return json.readTree(request.getBody()).path("batch").size();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).max().orElse(0);
        // all 30 in one batch on a quick machine; more than 8 in one proves more than 8 were in the route at once
        assertThat(largestBatch).as("entries of the largest firehose request").isGreaterThan(8);
    }
}
