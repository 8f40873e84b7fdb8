package io.hull.customerio.logging;

import io.hull.customerio.hull.HullSubject;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import org.springframework.stereotype.Component;

/**
 * One log line per decision, in Hull's vocabulary ({@code outgoing.user.success}, {@code incoming.event.skip}, …),
 * with the user's (or account's) claims as context. With structured logging on, the context becomes JSON fields.
 * Callers pass only safe details: never credentials.
 * <p>
 * Every decision is also counted, so the log and the metrics can never disagree:
 * {@code hull_connector_decisions_total{direction="outgoing",object="user",result="success"}}.
 */
@Component("decisionLog")
public class DecisionLog {

    private static final Logger log = LoggerFactory.getLogger("hull.connector");

    /** A detail that names the Hull connector of the decision: the metric's {@code connector} label. */
    public static final String CONNECTOR = "connector";

    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public DecisionLog(MeterRegistry meters) {
        this.meters = meters;
    }

    public void info(String action, HullSubject claims, Map<String, ?> details) {
        write(log.atInfo(), action, claims, details);
    }

    public void error(String action, HullSubject claims, Map<String, ?> details) {
        write(log.atError(), action, claims, details);
    }

    private void write(LoggingEventBuilder event, String action, HullSubject claims, Map<String, ?> details) {
        Object connector = details.get(CONNECTOR);
        counter(action, connector == null ? "" : connector.toString()).increment();
        event = event.setMessage(action).addKeyValue("action", action);
        if (claims != null) {
            event = event.addKeyValue(claims.subjectType(), claims.asMap());
        }
        for (Map.Entry<String, ?> detail : details.entrySet()) {
            event = event.addKeyValue(detail.getKey(), detail.getValue());
        }
        event.log();
    }

    /**
     * {@code outgoing.user.success} → direction outgoing, object user, result success; {@code connector}: the Hull
     * connector id a webhook's line names in its details (a connector authenticated: its URL's token opened, or the
     * configured one), empty for the others.
     */
    private Counter counter(String action, String connector) {
        // the action alone as the key of the lines that name no connector (every synced user's): no string built per line
        return counters.computeIfAbsent(connector.isEmpty() ? action : action + "|" + connector, key -> {
            String[] parts = action.split("\\.", 3);
            return Counter.builder("hull.connector.decisions")
                    .description("Decisions in Hull's vocabulary, one per log line")
                    .tag("direction", parts[0])
                    .tag("object", parts.length > 1 ? parts[1] : "")
                    .tag("result", parts.length > 2 ? parts[2] : "")
                    .tag("connector", connector)
                    .register(meters);
        });
    }
}
