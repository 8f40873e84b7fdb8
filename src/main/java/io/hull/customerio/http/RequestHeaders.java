package io.hull.customerio.http;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * Drops the caller's headers (and Camel's HTTP headers) from a message, keeping only {@code breadcrumbId}:
 * the request id in every log line (MDC), answered back to the caller. Nothing the caller sent then leaks
 * into an outgoing call or into our answer.
 *
 * <p>Routes used {@code removeHeaders: {pattern: "*", excludePattern: breadcrumbId}}, which compiles the
 * exclude pattern as a regular expression for every header it checks (Camel's PatternHelper), per request.
 */
@Component("requestHeaders")
public class RequestHeaders {

    public void keepOnlyBreadcrumbId(Message message) {
        message.getHeaders().keySet().removeIf(name -> !Exchange.BREADCRUMB_ID.equalsIgnoreCase(name));
    }
}
