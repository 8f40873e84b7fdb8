package io.hull.customerio.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hull.customerio.input.InputRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * One notification can carry several messages for the same user (Hull batches updates). Keeps the
 * most recent one by {@code user.indexed_at}, the last one on equal times (as Hull does), and gives it the events
 * of all of them, once each by {@code event_id}, so nothing is sent twice and no event is lost.
 */
@Component("messageDeduplicator")
public class MessageDeduplicator {

    public List<JsonNode> deduplicate(List<JsonNode> messages) {
        Map<String, List<JsonNode>> byUser = new LinkedHashMap<>();
        List<JsonNode> withoutId = new ArrayList<>();
        for (JsonNode message : messages) {
            String userId = message.path("user").path("id").asText(null);
            if (userId == null) {
                withoutId.add(message);
            } else {
                byUser.computeIfAbsent(userId, id -> new ArrayList<>()).add(message);
            }
        }
        List<JsonNode> result = new ArrayList<>(byUser.size() + withoutId.size());
        for (List<JsonNode> same : byUser.values()) {
            result.add(same.size() == 1 ? same.get(0) : merge(same));
        }
        result.addAll(withoutId);
        return result;
    }

    private static JsonNode merge(List<JsonNode> same) {
        JsonNode latest = same.get(0);
        for (JsonNode candidate : same) {
            if (indexedAt(candidate).compareTo(indexedAt(latest)) >= 0) {
                latest = candidate;
            }
        }
        ObjectNode merged = latest.deepCopy();
        mergeAccountChanges(same, merged);
        ArrayNode events = merged.putArray("events");
        Set<String> seen = new LinkedHashSet<>();
        for (JsonNode message : same) {
            for (JsonNode event : message.path("events")) {
                String eventId = event.path("event_id").asText(null);
                if (eventId == null || seen.add(eventId)) {
                    events.add(event);
                }
            }
        }
        return merged;
    }

    /**
     * The account changes of all of them, each attribute from its first old value to its last new one: a user that
     * moved account in an earlier message keeps that move (its relationship to the account it left is removed).
     */
    private static void mergeAccountChanges(List<JsonNode> same, ObjectNode merged) {
        Map<String, JsonNode[]> changes = new LinkedHashMap<>();
        for (JsonNode message : same) {
            message.path("changes").path("account").properties().forEach(change -> {
                JsonNode values = change.getValue();
                if (values.isArray() && values.size() == 2) {
                    changes.computeIfAbsent(change.getKey(), key -> new JsonNode[] {values.get(0), null})[1] = values.get(1);
                }
            });
        }
        if (changes.isEmpty()) {
            return;
        }
        JsonNode existing = merged.get("changes");
        ObjectNode account = (existing instanceof ObjectNode object ? object : merged.putObject("changes")).putObject("account");
        changes.forEach((key, values) -> account.putArray(key).add(values[0]).add(values[1]));
    }

    /** Unreadable or missing dates sort first, so a message with a real date wins. */
    private static Instant indexedAt(JsonNode message) {
        Instant instant = InputRules.instant(message.path("user").path("indexed_at"));
        return instant == null ? Instant.MIN : instant;
    }
}
