package io.hull.customerio.logging;

import io.hull.customerio.hull.UserClaims;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import org.springframework.stereotype.Component;

/**
 * One log line per decision, in Hull's vocabulary ({@code outgoing.user.success}, {@code incoming.event.skip}, …),
 * with the user's claims as context. With structured logging on, the context becomes JSON fields.
 * Callers pass only safe details: never credentials.
 */
@Component("decisionLog")
public class DecisionLog {

    private static final Logger log = LoggerFactory.getLogger("hull.connector");

    public void info(String action, UserClaims claims, Map<String, ?> details) {
        write(log.atInfo(), action, claims, details);
    }

    public void error(String action, UserClaims claims, Map<String, ?> details) {
        write(log.atError(), action, claims, details);
    }

    private static void write(LoggingEventBuilder event, String action, UserClaims claims, Map<String, ?> details) {
        event = event.setMessage(action).addKeyValue("action", action);
        if (claims != null) {
            event = event.addKeyValue("user", claims.asMap());
        }
        for (Map.Entry<String, ?> detail : details.entrySet()) {
            event = event.addKeyValue(detail.getKey(), detail.getValue());
        }
        event.log();
    }
}
