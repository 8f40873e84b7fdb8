package io.hull.customerio.hull;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hull.customerio.support.BadJson;
import io.hull.customerio.support.ConnectorTestSupport;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Signed notifications with one value anywhere in them replaced by something it should not be (another type, a
 * huge number, control characters, deep nesting...), as a careless sender would make them: every one is answered
 * 200 or 400 in the connector's JSON, never a 5xx (Customer.io and Hull answer 200 throughout, so a 503 would be
 * the connector failing on the input).
 */
class NotifierFuzzTest extends ConnectorTestSupport {

    private static final int CASES = 300;

    @Test
    void noValueAnywhereMakesTheConnectorFail() {
        Random random = new Random(Long.getLong("fuzz.seed", 20261201L));
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            ObjectNode notification = fixtureNotification();
            ObjectNode settings = notification.with("connector").with("private_settings");
            settings.put("site_id", "fuzz-site").put("api_key", "fuzz-key");
            settings.putArray("events_filter").add("Viewed Page").add("page");
            settings.put("enable_user_deletion", random.nextBoolean());
            String path = BadJson.replaceOneValue(notification, random, "notification_id");

            HttpResponse<String> answer = postNotification(notification);

            int status = answer.statusCode();
            boolean json = answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json");
            if (status >= 500 || !(status == 200 || status == 400) || !json) {
                failures.add(status + " for " + path + ": " + answer.body());
            }
        }
        assertThat(failures).isEmpty();
    }
}
