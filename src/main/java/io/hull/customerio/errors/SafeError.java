package io.hull.customerio.errors;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What may be said of a failure, to a caller or in a decision log line: a machine code and a sentence in the
 * connector's words. Only a {@link ConnectorException} says more than {@link #INTERNAL}; the exception's
 * class and message of anything else stay in the log line of whoever caught it.
 */
public record SafeError(String code, String reason) {

    public static final SafeError INTERNAL = new SafeError("internal_error",
            "the connector failed unexpectedly; the details are in its log");

    public static SafeError of(Throwable e) {
        return e instanceof ConnectorException known ? new SafeError(known.code(), known.reason()) : INTERNAL;
    }

    /** An exception the connector did not foresee: its caller logs it in full (once) before answering. */
    public static boolean isUnexpected(Throwable e) {
        return !(e instanceof ConnectorException);
    }

    /** {@code {"code": ..., "reason": ...}}, one entry of an error answer's {@code errors}. */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("code", code);
        map.put("reason", reason);
        return map;
    }
}
