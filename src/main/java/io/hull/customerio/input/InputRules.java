package io.hull.customerio.input;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The rules both doors hold what they are sent to, in one place (docs/security.md, "What a request must hold"): what
 * counts as a time, and what text may name something.
 */
public final class InputRules {

    /** 9999-12-31T23:59:59Z: the last second a four-digit year can say. */
    public static final long MAX_UNIX_SECONDS = 253_402_300_799L;

    private InputRules() {
    }

    /**
     * Unix seconds from 1970 to 9999, given as a JSON integer or as a string of digits (at most 12: no overflow);
     * {@code null} for anything else (a fraction, a negative number, 1e400, text).
     */
    public static Long unixSeconds(JsonNode value) {
        long seconds;
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            seconds = value.longValue();
        } else if (value.isTextual() && value.textValue().matches("\\d{1,12}")) {
            seconds = Long.parseLong(value.textValue());
        } else {
            return null;
        }
        return seconds >= 0 && seconds <= MAX_UNIX_SECONDS ? seconds : null;
    }

    /**
     * A time in any shape Hull sends one: ISO-8601 with an offset ({@code 2018-01-01T10:00:00.123Z}), without one
     * ({@code 2018-01-01T10:00:00}, read as UTC), a date alone ({@code 2018-01-01}: its first moment, UTC), Hull's
     * {@code 2018-01-01 10:00:00 UTC}, or a JSON number of unix seconds (milliseconds when too large for seconds before the year 5985);
     * {@code null} for anything else.
     */
    public static Instant instant(JsonNode value) {
        if (value.isNumber()) {
            if (!value.canConvertToLong() || value.longValue() < 0) {
                return null;
            }
            long number = value.longValue();
            return number > MAX_UNIX_SECONDS / 2 ? Instant.ofEpochMilli(number) : Instant.ofEpochSecond(number);
        }
        String text = value.asText("").trim();
        if (!value.isTextual() || text.isEmpty()) {
            return null;
        }
        Instant instant = hullTime(text);
        if (instant == null) {
            instant = isoTime(text);
        }
        // Hull also writes "2018-01-01 10:00:00", without its " UTC"
        return instant != null ? instant : isoTime(text.replace(' ', 'T'));
    }

    /** Hull's {@code 2018-03-30 14:38:02 UTC} (milliseconds optional); {@code null} for anything else. */
    public static Instant hullTime(String text) {
        try {
            return HULL_TIME.parse(text, Instant::from);
        } catch (DateTimeParseException notHullsShape) {
            return null;
        }
    }

    /**
     * ISO-8601 with an offset, or without one (Hull's dates are UTC), or a date alone (its first moment, UTC);
     * {@code null} for anything else.
     */
    public static Instant isoTime(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            try {
                return text.length() == 10
                        ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
                        : LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static final DateTimeFormatter HULL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS] 'UTC'")
            .withZone(ZoneOffset.UTC);

    /** C0 controls (tab and line breaks among them), DEL and C1 controls: nothing an id or a name holds. */
    public static boolean hasControlCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
