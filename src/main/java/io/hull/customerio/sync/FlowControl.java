package io.hull.customerio.sync;

import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.errors.SafeError;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The smart-notifier answers, in one place: {@code next} (200) when every user was handled, or
 * {@code retry} (503) with the errors when some work may succeed later, so Hull sends the
 * notification again.
 */
@Component("flowControl")
public class FlowControl {

    private static final Logger log = LoggerFactory.getLogger(FlowControl.class);

    private final ConnectorProperties.FlowControl settings;

    public FlowControl(ConnectorProperties connector) {
        this.settings = connector.getFlowControl();
    }

    public Map<String, Object> answer(List<SyncResult> results, Exchange exchange) {
        Set<SafeError> errors = new LinkedHashSet<>();
        for (SyncResult result : results) {
            if (result.needsRetry()) {
                errors.add(new SafeError(result.code(), result.detail()));
            }
        }
        return errors.isEmpty() ? next(exchange) : retry(exchange, errors);
    }

    public Map<String, Object> next(Exchange exchange) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        Map<String, Object> flow = new LinkedHashMap<>();
        flow.put("type", "next");
        flow.put("size", settings.getNextSize());
        flow.put("in", settings.getNextInMillis());
        return Map.of("flow_control", flow);
    }

    /** The notification failed as a whole after it was accepted (e.g. Hull unreachable for the write-back). */
    public Map<String, Object> failed(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e, Exchange exchange) {
        SafeError error = SafeError.of(e);
        if (SafeError.isUnexpected(e)) {
            log.error("unexpected error while handling a notification; Hull is asked to retry", e);
        } else {
            log.warn("notification answered 503 retry: {}: {}", error.code(), error.reason());
        }
        return retry(exchange, Set.of(error));
    }

    private Map<String, Object> retry(Exchange exchange, Set<SafeError> errors) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 503);
        return retryAnswer(settings.getRetryInMillis(), errors);
    }

    /** The 503's body: flow control {@code retry}, and the errors in the shape of every error answer. */
    public static Map<String, Object> retryAnswer(long retryInMillis, Collection<SafeError> errors) {
        Map<String, Object> flow = new LinkedHashMap<>();
        flow.put("type", "retry");
        flow.put("in", retryInMillis);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("flow_control", flow);
        answer.put("errors", errors.stream().map(SafeError::asMap).toList());
        return answer;
    }
}
