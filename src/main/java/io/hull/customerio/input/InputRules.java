package io.hull.customerio.input;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
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
        } else if (value.isTextual() && isDigits(value.textValue(), 12)) {
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
        Instant common = commonIsoTime(text);
        return common != null ? common : jdkIsoTime(text);
    }

    /** {@link #isoTime} by the JDK's parsers alone. */
    static Instant jdkIsoTime(String text) {
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

    /**
     * The shape nearly every time Hull sends has, {@code 2018-01-01T10:00:00Z}: four-digit year, seconds, an optional
     * fraction of up to nine digits, then {@code Z} or {@code ±HH:MM}; read without a formatter, which took 2.5 % of
     * a synced user's CPU (docs/benchmarks.md). {@code null} for any other text, which then goes to the JDK's parsers:
     * this only answers what they would (IsoTimeTest compares the two).
     */
    static Instant commonIsoTime(String text) {
        int length = text.length();
        if (length < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || day > YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        int at = 19;
        int nanos = 0;
        if (text.charAt(at) == '.') {
            int from = ++at;
            while (at < length && at - from < 10 && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
                nanos = nanos * 10 + (text.charAt(at++) - '0');
            }
            int count = at - from;
            if (count < 1 || count > 9) {
                return null;
            }
            for (int i = count; i < 9; i++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        if (at == length - 1 && text.charAt(at) == 'Z') {
            offsetSeconds = 0;
        } else if (at == length - 6 && (text.charAt(at) == '+' || text.charAt(at) == '-') && text.charAt(at + 3) == ':') {
            int offsetHours = digits(text, at + 1, 2);
            int offsetMinutes = digits(text, at + 4, 2);
            if (offsetHours < 0 || offsetHours > 18 || offsetMinutes < 0 || offsetMinutes > 59
                    || offsetHours == 18 && offsetMinutes > 0) {
                return null;
            }
            offsetSeconds = (text.charAt(at) == '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
        } else {
            return null;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds, nanos);
    }

    /** The {@code count} ASCII digits at {@code from} as a number; -1 if one of them is something else. */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** One to {@code most} ASCII digits and nothing else. */
    private static boolean isDigits(String text, int most) {
        if (text.isEmpty() || text.length() > most) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
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
