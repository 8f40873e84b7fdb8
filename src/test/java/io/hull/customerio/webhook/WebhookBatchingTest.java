package io.hull.customerio.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Concurrent webhooks share firehose requests, and each event still reaches Hull exactly once. */
class WebhookBatchingTest extends WebhookRouteTestSupport {

    private static final int WEBHOOKS = 60;

    @Test
    void concurrentWebhooksShareFirehoseRequests() throws Exception {
        List<ObjectNode> webhooks = new ArrayList<>();
        for (int i = 0; i < WEBHOOKS; i++) {
            webhooks.add(CustomerIoWebhookRouteTest.webhook("email", "opened", Map.of("customer_id", "c" + i)));
        }
        List<byte[]> bodies = webhooks.stream().map(WebhookRouteTestSupport::bytes).toList();
        for (HttpResponse<String> answer : sendAllAtOnce(bodies)) {
            assertThat(answer.statusCode()).isEqualTo(200);
        }

        for (ObjectNode webhook : webhooks) {
            List<ReceivedEntry> received = receivedWithEventId(webhook.path("event_id").asText());
            assertThat(received).as("entries for one webhook").hasSize(1);
            assertThat(received.get(0).entry().path("type").asText()).isEqualTo("track");
        }
        int requests = firehoseRequests().size();
        // Typically a quarter to a third as many requests as webhooks; the bound leaves room for a slow CI machine.
        assertThat(requests).as("firehose POSTs for %d webhooks", WEBHOOKS).isLessThanOrEqualTo(WEBHOOKS * 2 / 3);
        assertThat(receivedEntries()).hasSize(WEBHOOKS);
        System.out.println(WEBHOOKS + " concurrent webhooks → " + requests + " firehose requests");
    }
}
