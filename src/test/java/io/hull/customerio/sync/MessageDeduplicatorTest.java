package io.hull.customerio.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageDeduplicatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aUsersMessagesKeepItsAccountMoveFromTheFirstOldValueToTheLastNewOne() throws Exception {
        JsonNode first = JSON.readTree("""
                {"user":{"id":"u1","indexed_at":"2024-01-01T00:00:00Z"},"events":[],
                 "changes":{"account":{"external_id":["acme","globex"]}}}""");
        JsonNode second = JSON.readTree("""
                {"user":{"id":"u1","indexed_at":"2024-01-01T00:00:01Z"},"events":[],"changes":{}}""");
        JsonNode third = JSON.readTree("""
                {"user":{"id":"u1","indexed_at":"2024-01-01T00:00:02Z"},"events":[],
                 "changes":{"account":{"external_id":["globex","initech"]}}}""");

        List<JsonNode> merged = new MessageDeduplicator().deduplicate(List.of(first, second, third));

        assertThat(merged).hasSize(1);
        assertThat(merged.get(0).path("changes").path("account"))
                .isEqualTo(JSON.readTree("{\"external_id\":[\"acme\",\"initech\"]}"));
    }

    @Test
    void messagesWithoutAccountChangesAreMergedAsBefore() throws Exception {
        JsonNode first = JSON.readTree("{\"user\":{\"id\":\"u1\"},\"events\":[{\"event_id\":\"e1\"}]}");
        JsonNode second = JSON.readTree("{\"user\":{\"id\":\"u1\"},\"events\":[{\"event_id\":\"e2\"}]}");

        JsonNode merged = new MessageDeduplicator().deduplicate(List.of(first, second)).get(0);

        assertThat(merged.has("changes")).isFalse();
        assertThat(merged.path("events")).hasSize(2);
    }
}
