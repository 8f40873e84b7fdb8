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

    /** Kafka not acknowledging in time (kafka transport): the work is handed back to its sender. */
    public static final SafeError KAFKA_UNAVAILABLE = new SafeError("kafka_unavailable",
            "Kafka did not acknowledge the work in time; send it again");

    public static SafeError of(Throwable e) {
        if (e instanceof ConnectorException known) {
            return new SafeError(known.code(), known.reason());
        }
        return isKafkaFailure(e) ? KAFKA_UNAVAILABLE : INTERNAL;
    }

    /** An exception the connector did not foresee: its caller logs it in full (once) before answering. */
    public static boolean isUnexpected(Throwable e) {
        return !(e instanceof ConnectorException) && !isKafkaFailure(e);
    }

    /** A Kafka client's failure (unreachable, too slow, refused), wherever in the causes Camel put it. */
    private static boolean isKafkaFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof org.apache.kafka.common.KafkaException) {
                return true;
            }
        }
        return false;
    }

    /** {@code {"code": ..., "reason": ...}}, one entry of an error answer's {@code errors}. */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("code", code);
        map.put("reason", reason);
        return map;
    }
}
