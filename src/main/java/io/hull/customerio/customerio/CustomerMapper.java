package io.hull.customerio.customerio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hull.customerio.input.InputRules;
import io.hull.customerio.sync.SyncSettings;
import io.hull.customerio.sync.UserSync;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * Builds the Customer.io customer of a Hull user: the id from {@code user_id_mapping}, then
 * {@code email}, {@code created_at}, {@code hull_segments} and every synchronized attribute under
 * Customer.io-friendly names. The attribute rules live here and nowhere else.
 */
@Component("customerMapper")
public class CustomerMapper {

    /** A synchronized attribute with this prefix is read from the account, not the user. */
    public static final String ACCOUNT_PREFIX = "account.";
    /** An ISO-8601 date, with or without a time and an offset. */
    private static final Pattern ISO_DATE_TIME = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}(T.*)?$");

    private final ObjectMapper json;

    public CustomerMapper(ObjectMapper json) {
        this.json = json;
    }

    /**
     * The value of the id attribute ({@code user_id_mapping}), if the user has one: a string, or a whole number as
     * its decimal digits (a trait may hold one; {@code 1.5} or {@code 1e20} is no id).
     */
    public Optional<String> customerId(JsonNode user, SyncSettings settings) {
        return idValue(user, settings.userIdMapping());
    }

    /** The value of {@code field} as an id: a string, or a whole number as its decimal digits. */
    public static Optional<String> idValue(JsonNode holder, String field) {
        return idValue(holder.get(field));
    }

    /** A value as an id: a string, or a whole number as its decimal digits; empty for anything else. */
    public static Optional<String> idValue(JsonNode value) {
        if (value == null || !(value.isTextual() || value.isIntegralNumber()) || value.asText().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(value.isIntegralNumber() ? value.bigIntegerValue().toString() : value.asText());
    }

    /**
     * Why an id cannot go into a Customer.io path, or {@code null} when it can: control characters (NUL, line breaks,
     * ...) would be sent percent-encoded as they are. Its length is a setting, checked with the other limits.
     */
    public static String unusableId(String id) {
        return InputRules.hasControlCharacter(id) ? "holds control characters" : null;
    }

    /**
     * Step {@code map-customer} of route sync-user: the customer as it will be sent, a mutable Map of Customer.io
     * attribute names to values, {@code id} first (the identified user's Customer.io id), then the attributes.
     */
    public Map<String, Object> customer(@ExchangeProperty(UserSync.PROPERTY) UserSync user) {
        Map<String, Object> customer = new LinkedHashMap<>();
        customer.put("id", user.customerId());
        customer.putAll(attributes(user.user(), user.message().path("account"), CustomerMapper.segmentNames(user.message().path("segments")),
                user.settings(), user.leftOut()));
        return customer;
    }

    /**
     * The attributes of the identify call, in a stable order: the fixed ones first, then the synchronized ones.
     * What of the user is left out, and why, is added to {@code leftOut}.
     */
    public Map<String, Object> attributes(JsonNode user, JsonNode account, List<String> segmentNames, SyncSettings settings,
                                          List<String> leftOut) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        JsonNode email = user.get("email");
        if (email != null && !email.isNull()) {
            attributes.put("email", email.asText());
        }
        JsonNode createdAt = user.get("created_at");
        if (createdAt != null && !createdAt.isNull()) {
            Long seconds = createdAtSeconds(createdAt);
            if (seconds != null) {
                attributes.put("created_at", seconds);
            } else {
                leftOut.add("created_at " + abbreviate(createdAt.toString())
                        + " is not a date from 1970 to 9999 (ISO-8601 or unix seconds): not sent");
            }
        }
        attributes.put("hull_segments", segmentNames);
        for (String source : settings.synchronizedAttributes()) {
            boolean fromAccount = source.startsWith(ACCOUNT_PREFIX);
            String field = fromAccount ? source.substring(ACCOUNT_PREFIX.length()) : source;
            JsonNode holder = fromAccount ? account : user;
            if (holder == null || !holder.has(field)) {
                continue;
            }
            String name = fromAccount ? "account_" + attributeName(field) : attributeName(field);
            attributes.put(name, value(name, holder.get(field)));
        }
        return attributes;
    }

    /**
     * Hull trait name → Customer.io attribute name: {@code traits_} goes, {@code /} becomes {@code -},
     * and {@code id} becomes {@code hull_id} so it never collides with Customer.io's own id.
     */
    public static String attributeName(String hullName) {
        String name = hullName.startsWith("traits_") ? hullName.substring("traits_".length()) : hullName;
        name = name.replace('/', '-');
        return "id".equals(name) ? "hull_id" : name;
    }

    /**
     * The attributes of a Hull account's Customer.io object: {@code hull_segments} (the account's segment names), then
     * each of {@code synchronized_account_attributes} the account has, renamed as users' attributes are.
     */
    public Map<String, Object> objectAttributes(JsonNode account, List<String> segmentNames, List<String> whitelist) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("hull_segments", segmentNames);
        for (String field : whitelist) {
            if (account.has(field)) {
                String name = attributeName(field);
                attributes.put(name, value(name, account.get(field)));
            }
        }
        return attributes;
    }

    private Object value(String name, JsonNode value) {
        if (value.isNull()) {
            return null;
        }
        if (value.isTextual() && (name.endsWith("_at") || name.endsWith("_date"))) {
            return unixSecondsOrText(value.asText());
        }
        return json.convertValue(value, Object.class);
    }

    /**
     * Customer.io's {@code created_at} is the customer's creation time in unix seconds: an ISO-8601 date (or date and
     * time) or unix seconds (a whole number, or a string of digits), from 1970 to 9999; {@code null} for anything else.
     */
    static Long createdAtSeconds(JsonNode value) {
        Long seconds = InputRules.unixSeconds(value);
        if (seconds == null && value.isTextual() && unixSecondsOrText(value.textValue()) instanceof Long fromDate) {
            seconds = fromDate >= 0 && fromDate <= InputRules.MAX_UNIX_SECONDS ? fromDate : null;
        }
        return seconds;
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }

    /** Customer.io wants dates as unix seconds; a value that is not an ISO date stays as it is. */
    static Object unixSecondsOrText(String text) {
        if (!ISO_DATE_TIME.matcher(text).matches()) {
            return text;
        }
        Instant instant = InputRules.isoTime(text);
        return instant == null ? text : (Object) instant.getEpochSecond();
    }

    public static List<String> segmentNames(JsonNode segments) {
        List<String> names = new ArrayList<>();
        segments.forEach(segment -> {
            String name = segment.path("name").asText(null);
            if (name != null) {
                names.add(name);
            }
        });
        return names;
    }
}
