package io.hull.customerio.input;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The rules both doors hold what they are sent to, in one place (README, "What a request must hold"): what
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
