package io.hull.customerio.customerio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.f4b6a3.ulid.Ulid;
import io.hull.customerio.input.InputRules;
import io.hull.customerio.sync.UserSync;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * Hull event → Customer.io event. Page views become {@code type: "page"} with the page URL as name.
 * Every event gets an {@code id} derived from Hull's {@code event_id}, so the same Hull event always
 * carries the same id and Customer.io drops repeats (Hull re-sends notifications).
 */
@Component("eventMapper")
public class EventMapper {

    /** Customer.io's limits for an event. */
    static final int MAX_NAME_BYTES = 100;
    static final int MAX_DATA_BYTES = 100_000;
    static final String PAGE = "page";

    private final ObjectMapper json;

    public EventMapper(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Step {@code map-event} of route sync-user-events: the Customer.io event of a Hull event, a mutable Map
     * ({@code name}, {@code data}, {@code timestamp}, {@code id}; a page view's {@code type}; an anonymous event's
     * {@code anonymous_id} when {@code anonymousId} is given).
     */
    public Map<String, Object> event(@Body JsonNode event, @ExchangeProperty(UserSync.ANONYMOUS_ID) String anonymousId) {
        String hullName = event.path("event").asText();
        Instant timestamp = timestamp(event.path("created_at").asText(null));
        Map<String, Object> data = new LinkedHashMap<>();
        JsonNode properties = event.path("properties");
        if (properties.isObject()) {
            data.putAll(json.convertValue(properties, Map.class));
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        if (PAGE.equals(hullName)) {
            payload.put("type", "page");
            payload.put("name", pageUrl(event));
            String referrer = firstText(properties.path("referrer"), event.path("context").path("referrer").path("url"));
            if (referrer != null) {
                data.put("referrer", referrer);
            }
        } else {
            payload.put("name", hullName);
        }
        if (anonymousId != null) {
            payload.put("anonymous_id", anonymousId);
        }
        payload.put("data", data);
        if (timestamp != null) {
            payload.put("timestamp", timestamp.getEpochSecond());
        }
        payload.put("id", eventId(event, timestamp));
        return payload;
    }

    /** Why Customer.io would refuse the event (a name or data over its limits), or {@code null}. */
    public String refusal(Map<String, Object> payload) {
        Object name = payload.get("name");
        if (name == null || name.toString().isBlank()) {
            return PAGE.equals(payload.get("type")) ? "page view without a URL" : "event without a name";
        }
        int nameBytes = name.toString().getBytes(StandardCharsets.UTF_8).length;
        if (nameBytes > MAX_NAME_BYTES) {
            return "event name is " + nameBytes + " bytes, more than Customer.io's " + MAX_NAME_BYTES;
        }
        try {
            int dataBytes = json.writeValueAsBytes(payload.get("data")).length;
            if (dataBytes > MAX_DATA_BYTES) {
                return "event data is " + dataBytes + " bytes, more than Customer.io's " + MAX_DATA_BYTES;
            }
        } catch (JsonProcessingException e) {
            return "event data cannot be written as JSON";
        }
        return null;
    }

    private static String pageUrl(JsonNode event) {
        JsonNode context = event.path("context");
        return firstText(event.path("properties").path("url"), context.path("page_url"), context.path("page").path("url"));
    }

    private static String firstText(JsonNode... candidates) {
        for (JsonNode candidate : candidates) {
            if (candidate.isTextual() && !candidate.asText().isBlank()) {
                return candidate.asText();
            }
        }
        return null;
    }

    /** {@code "2018-03-30 14:38:02 UTC"} or ISO-8601 → instant; unknown → null (Customer.io then uses the arrival time). */
    static Instant timestamp(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Instant hullTime = InputRules.hullTime(text);
        if (hullTime != null) {
            return hullTime;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notIso) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException unknown) {
                return null;
            }
        }
    }

    /**
     * A ULID whose time part is the event's time and whose random part is the first 80 bits of
     * SHA-256 of Hull's {@code event_id}: the same Hull event gives the same id in any process.
     * Without an {@code event_id} the event's content is hashed instead.
     */
    String eventId(JsonNode event, Instant timestamp) {
        String source = event.path("event_id").asText(null);
        if (source == null || source.isBlank()) {
            source = event.toString();
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8));
            long time = timestamp == null ? 0 : Math.max(0, timestamp.toEpochMilli());
            return new Ulid(time, Arrays.copyOf(digest, 10)).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
