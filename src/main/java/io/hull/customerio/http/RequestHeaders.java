package io.hull.customerio.http;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * Drops the caller's headers (and Camel's HTTP headers) from a message, keeping only {@code breadcrumbId}:
 * the request id in every log line (MDC), answered back to the caller. Nothing the caller sent then leaks
 * into an outgoing call or into our answer.
 *
 * <p>A bean rather than {@code removeHeaders: {pattern: "*", excludePattern: breadcrumbId}}: Camel's PatternHelper
 * compiles the exclude pattern as a regular expression for every header it checks, per request.
 */
@Component("requestHeaders")
public class RequestHeaders {

    public void keepOnlyBreadcrumbId(Message message) {
        message.getHeaders().keySet().removeIf(name -> !Exchange.BREADCRUMB_ID.equalsIgnoreCase(name));
    }

    /** An answer's headers: the request id and the status the route chose, nothing else. */
    public void keepOnlyAnswerHeaders(Message message) {
        message.getHeaders().keySet().removeIf(name -> !Exchange.BREADCRUMB_ID.equalsIgnoreCase(name)
                && !Exchange.HTTP_RESPONSE_CODE.equalsIgnoreCase(name));
    }
}
