package io.hull.customerio.kafka;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * connector.transport=kafka with customerio.api=v2-batch: a poll's users wait for their batch items without holding
 * a thread, and the poll is still committed by hand, on the consumer thread, once every record is done with.
 */
@ExtendWith(OutputCaptureExtension.class)
class KafkaV2BatchTest extends KafkaTransportTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @DynamicPropertySource
    static void v2Properties(DynamicPropertyRegistry registry) {
        registry.add("customerio.api", () -> "v2-batch");
        registry.add("customerio.batch.max-wait", () -> "50ms");
    }

    @Test
    void aPollsUsersGoInBatchesAndThePollIsCommitted(CapturedOutput output) throws Exception {
        String site = newSite();

        HttpResponse<String> answer = postNotification(notificationFor(site, 20));

        assertThat(answer.statusCode()).isEqualTo(200);
        await().atMost(WAIT).untilAsserted(() -> assertThat(identifyItemsOf(site)).isEqualTo(20));
        await().atMost(WAIT).untilAsserted(() -> assertThat(firehoseEntries().stream()
                .filter(e -> e.toString().contains(site + "-user-")).count()).isEqualTo(20));
        await().atMost(WAIT).untilAsserted(() -> assertThat(committedOffsets(USER_TOPIC)).isEqualTo(endOffsets(USER_TOPIC)));
        assertThat(CUSTOMERIO.findAll(postRequestedFor(urlPathEqualTo("/api/v2/batch")))).hasSizeLessThan(20);
        assertThat(output.getOut()).doesNotContain("not safe for multi-threaded access").doesNotContain("dead-letter topic");
    }

    private static long identifyItemsOf(String site) {
        return CUSTOMERIO.findAll(postRequestedFor(urlPathEqualTo("/api/v2/batch"))).stream()
                .flatMap(request -> java.util.stream.StreamSupport.stream(
                        json(request.getBodyAsString()).path("batch").spliterator(), false))
                .filter(item -> "identify".equals(item.path("action").asText())
                        && item.path("identifiers").path("email").asText().startsWith(site + "-user-"))
                .count();
    }
}
