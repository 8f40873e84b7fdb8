package io.hull.customerio.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hull.customerio.support.Concurrently;
import io.hull.customerio.support.RawHttp;
import io.hull.customerio.support.SeparateConnector;
import io.hull.customerio.support.TestNotifications;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Collections;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Eight 30 MB requests at once, of every kind, against the connector with the heap of a 512 MB container
 * ({@code -Xmx256m}, and {@code -XX:+ExitOnOutOfMemoryError} as in the image): it answers each of them and stays up.
 * Signatures are not checked here, so that every notification body is one the connector must take: the worst case.
 */
class LargeBodiesMemoryTest {

    private static final int PARALLEL = 8;
    private static final int MEGABYTES = 30;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SeparateConnector connector;

    @BeforeAll
    static void start() {
        connector = SeparateConnector.named("large-bodies-memory-test")
                .jvm("-Xmx256m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError")
                .set("hull.notifier.verify-signature", "false").set("customerio.webhook.token", "large-bodies-token")
                .set("customerio.site-id", "").set("customerio.api-key", "").start();
    }

    @AfterAll
    static void stop() {
        connector.close();
    }

    @Test
    void formBodiesAre415() throws Exception {
        assertThat(sendAtOnce("/smart-notifier", "application/x-www-form-urlencoded", filler())).containsOnly(415);
        assertStillUp();
    }

    @Test
    void textBodiesAre415() throws Exception {
        assertThat(sendAtOnce("/smart-notifier", "text/plain", filler())).containsOnly(415);
        assertStillUp();
    }

    @Test
    void webhooksOverTheirLimitAre413() throws Exception {
        assertThat(sendAtOnce("/webhook?token=large-bodies-token", "application/json", filler())).containsOnly(413);
        assertStillUp();
    }

    @Test
    void notificationsBeyondTheMemoryForBodiesAre503RetryAndTheOthersAreTaken() throws Exception {
        ObjectNode notification = TestNotifications.forSite("large-bodies", 5_100);
        // no credentials: every user is planned, then skipped (no Customer.io is needed)
        ((ObjectNode) notification.path("connector").path("private_settings")).remove(List.of("site_id", "api_key"));
        byte[] body = JSON.writeValueAsBytes(notification);
        assertThat(body.length).isGreaterThan(MEGABYTES * 1024 * 1024);

        List<Integer> statuses = sendAtOnce("/smart-notifier", "application/json", body);

        assertThat(statuses).containsOnly(200, 503).contains(200);
        assertStillUp();
    }

    private static List<Integer> sendAtOnce(String target, String contentType, byte[] body) {
        List<Callable<RawHttp.Response>> senders = Collections.nCopies(PARALLEL,
                () -> RawHttp.send(connector.port(), "POST", target, Map.of("Content-Type", contentType), body));
        List<Integer> statuses = new ArrayList<>();
        for (RawHttp.Response response : Concurrently.all(senders)) {
            assertThat(response.header("Content-Type")).startsWith("application/json");
            statuses.add(response.status());
        }
        return statuses;
    }

    /** 30 MB of a JSON object holding spaces: as large as a body gets, as cheap as one gets to send. */
    private static byte[] filler() {
        byte[] body = new byte[MEGABYTES * 1024 * 1024];
        Arrays.fill(body, (byte) ' ');
        body[0] = '{';
        body[body.length - 1] = '}';
        return body;
    }

    private static void assertStillUp() {
        assertThat(connector.isAlive()).as("the connector is still running (see %s)", connector.log()).isTrue();
        assertThat(RawHttp.send(connector.port(), "GET", "/actuator/health", Map.of(), null).status()).isEqualTo(200);
        // and every body's memory is given back once its request is answered and its exchange done
        String metrics = RawHttp.send(connector.port(), "GET", "/actuator/prometheus", Map.of(), null).body();
        assertThat(metrics.lines().filter(line -> line.startsWith("hull_connector_body_memory_held_bytes{")))
                .hasSize(2).allSatisfy(line -> assertThat(line).endsWith(" 0.0"));
    }
}
