package io.hull.customerio.hull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.http.RequestRejectedException;
import io.hull.customerio.support.TestNotifications;
import io.hull.customerio.sync.UserFieldsRead;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What the parser keeps of a notification: everything but the parts no one reads. (Refusals of bad bodies
 * are tested over HTTP in {@link SmartNotifierRequestTest}.)
 */
class NotificationParserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ConnectorProperties connector = new ConnectorProperties();
    private final NotificationParser parser = new NotificationParser(JSON, connector, new UserFieldsRead(connector));

    @Test
    void keepsEverythingTheConnectorReads() throws Exception {
        ObjectNode fixture = TestNotifications.fixture();

        HullNotification notification = parser.parse(JSON.writeValueAsBytes(fixture));

        assertThat(notification.notificationId()).isEqualTo(fixture.path("notification_id").asText());
        assertThat(notification.channel()).isEqualTo("user:update");
        assertThat(notification.credentials().organization()).isEqualTo(fixture.at("/configuration/organization").asText());
        assertThat(notification.connector()).isEqualTo(fixture.path("connector"));
        assertThat(notification.messages()).hasSameSizeAs(fixture.path("messages"));
        for (int i = 0; i < notification.messages().size(); i++) {
            JsonNode parsed = notification.messages().get(i);
            JsonNode sent = fixture.path("messages").get(i);
            ObjectNode userFieldsRead = sent.path("user").deepCopy();
            userFieldsRead.retain("id", "email", "external_id", "anonymous_ids", "created_at", "indexed_at");
            assertThat(parsed.path("user")).isEqualTo(userFieldsRead);
            assertThat(parsed.path("account")).isEqualTo(sent.path("account"));
            assertThat(parsed.path("events")).isEqualTo(sent.path("events"));
            assertThat(parsed.path("segments")).hasSameSizeAs(sent.path("segments"));
            for (int s = 0; s < sent.path("segments").size(); s++) {
                JsonNode segment = parsed.path("segments").get(s);
                assertThat(segment.path("id")).isEqualTo(sent.path("segments").get(s).path("id"));
                assertThat(segment.path("name")).isEqualTo(sent.path("segments").get(s).path("name"));
            }
        }
    }

    @Test
    void leavesOutWhatNoOneReads() throws Exception {
        ObjectNode fixture = TestNotifications.fixture();
        JsonNode sent = fixture.path("messages").get(0);
        assertThat(sent.has("changes")).isTrue();
        assertThat(sent.path("segments").get(0).has("created_at")).isTrue();

        JsonNode parsed = parser.parse(JSON.writeValueAsBytes(fixture)).messages().get(0);

        // of changes only the account's (a user moving account); of segments and account segments, id and name
        assertThat(parsed.path("changes").properties()).extracting(java.util.Map.Entry::getKey).isSubsetOf("account");
        assertThat(sent.path("changes").has("user")).isTrue();
        assertThat(parsed.path("changes").has("user")).isFalse();
        assertThat(parsed.path("segments").get(0).properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactly("id", "name");
    }

    @Test
    void keepsTheAccountSegmentsAndTheAccountsChanges() throws Exception {
        ObjectNode fixture = TestNotifications.fixture();
        ObjectNode sent = (ObjectNode) fixture.path("messages").get(0);
        sent.putArray("account_segments").addObject().put("id", "as1").put("name", "Customers").put("created_at", "2020-01-01");
        ((ObjectNode) sent.path("changes")).putObject("account").putArray("external_id").add("old").add("new");

        JsonNode parsed = parser.parse(JSON.writeValueAsBytes(fixture)).messages().get(0);

        assertThat(parsed.path("account_segments")).isEqualTo(JSON.readTree("[{\"id\":\"as1\",\"name\":\"Customers\"}]"));
        assertThat(parsed.path("changes")).isEqualTo(JSON.readTree("{\"account\":{\"external_id\":[\"old\",\"new\"]}}"));
    }

    @Test
    void keepsUnexpectedShapesForTheRulesToJudge() {
        String body = """
                {"configuration": {"organization": "o", "id": "c", "secret": "s"}, "channel": "user:update",
                 "extra": [1, {"a": null}], "messages": [
                   {"user": {"id": "u", "nothing": null}, "segments": [{"id": "s1", "type": "x"}, "odd", null],
                    "account": null, "other": {"kept": true}, "changes": null}
                 ]}
                """;

        JsonNode message = parser.parse(body.getBytes(StandardCharsets.UTF_8)).messages().get(0);

        assertThat(message.path("user").has("nothing")).isTrue();
        assertThat(message.path("user").get("nothing").isNull()).isTrue();
        assertThat(message.get("account").isNull()).isTrue();
        assertThat(message.path("other").path("kept").asBoolean()).isTrue();
        assertThat(message.path("segments")).hasSize(3);
        assertThat(message.path("segments").get(0).properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactly("id");
        assertThat(message.path("segments").get(1).asText()).isEqualTo("odd");
        assertThat(message.path("segments").get(2).isNull()).isTrue();
    }

    @Test
    void refusesATruncatedBody() throws Exception {
        byte[] whole = JSON.writeValueAsBytes(TestNotifications.fixture());
        byte[] truncated = java.util.Arrays.copyOf(whole, whole.length / 2);

        assertThatThrownBy(() -> parser.parse(truncated))
                .isInstanceOfSatisfying(RequestRejectedException.class, e -> assertThat(e.code()).isEqualTo("invalid_json"));
    }

    @Test
    void leavesOutTheUserFieldsNoRuleReadsUnderTheNotificationsSettings() throws Exception {
        ObjectNode fixture = TestNotifications.fixture();
        ((ObjectNode) fixture.at("/connector/private_settings")).putArray("synchronized_attributes").add("first_name");
        ((ObjectNode) fixture.at("/messages/0/user")).put("traits_customerio/hash", "h");

        JsonNode user = parser.parse(JSON.writeValueAsBytes(fixture)).messages().get(0).path("user");

        assertThat(user.properties()).extracting(java.util.Map.Entry::getKey).containsExactlyInAnyOrder(
                "id", "email", "external_id", "anonymous_ids", "created_at", "indexed_at", "first_name", "traits_customerio/hash");
        assertThat(user.path("first_name").asText()).isEqualTo("Sven");
        assertThat(user.path("anonymous_ids")).isEqualTo(fixture.at("/messages/0/user/anonymous_ids"));
    }

    @Test
    void keepsUsersWholeWhenTheSettingsComeAfterTheMessages() throws Exception {
        ObjectNode fixture = TestNotifications.fixture();
        JsonNode connectorObject = fixture.remove("connector");
        fixture.set("connector", connectorObject);

        HullNotification notification = parser.parse(JSON.writeValueAsBytes(fixture));

        assertThat(notification.messages().get(0).path("user")).isEqualTo(fixture.at("/messages/0/user"));
        assertThat(notification.connector()).isEqualTo(connectorObject);
    }

    @Test
    void aSecondConnectorAfterTheMessagesHasTheUsersReadWhole() throws Exception {
        ObjectNode fixture = TestNotifications.fixture();
        String json = JSON.writeValueAsString(fixture);
        String later = "\"connector\": {\"private_settings\": {\"synchronized_attributes\": [\"first_name\"]}}";
        byte[] body = (json.substring(0, json.lastIndexOf('}')) + ", " + later + "}").getBytes(StandardCharsets.UTF_8);

        HullNotification notification = parser.parse(body);

        // the last connector counts, as for any JSON field, and its settings read first_name
        assertThat(notification.privateSettings().path("synchronized_attributes").get(0).asText()).isEqualTo("first_name");
        assertThat(notification.messages().get(0).path("user")).isEqualTo(fixture.at("/messages/0/user"));
    }
}
