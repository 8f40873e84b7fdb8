package io.hull.customerio.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hull.customerio.errors.SafeError;
import jakarta.servlet.RequestDispatcher;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tomcat's own refusals (a request line with raw {@code [ ] { } |}, headers over
 * {@code server.max-http-request-header-size}, a malformed request) in the connector's error shape instead of
 * Tomcat's HTML page. Tomcat answers these before any servlet runs, so neither the routes nor
 * {@link JsonErrorController} see them. The refusal is logged with a reason in our words: Tomcat's own message
 * quotes the request line, query string and all (a webhook token is in the query), so it is never repeated.
 */
public class JsonErrorReportValve extends ErrorReportValve {

    private static final Logger log = LoggerFactory.getLogger(JsonErrorReportValve.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // as Tomcat's: nothing for a success, for an answer already written, or for an error already reported
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        Throwable cause = throwable != null ? throwable : (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        SafeError error = describe(status, cause);
        if (status == 500) {
            log.error("request failed in the web server: {} {}: {}", status, error.code(), error.reason());
        } else {
            // 4xx, and what it does not take (501 a Transfer-Encoding, 505 an HTTP version) or cannot take now (503)
            RefusedRequests.of(request.getContext() == null ? null : request.getContext().getServletContext())
                    .refused(request.getMethod(), request.getRequestURI(), status, error.code(), error.reason());
        }
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding("utf-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(JSON.writeValueAsString(ErrorResponses.errors(error)));
                response.finishResponse();
            }
        } catch (Exception | LinkageError e) {
            log.debug("the error answer could not be written: {}", e.getClass().getSimpleName());
        }
    }

    /** Tomcat's reason, told without its message (which quotes what was received). */
    static SafeError describe(int status, Throwable cause) {
        String message = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
        if (status == 400 && message.startsWith("Invalid character found in the request target")) {
            return new SafeError("invalid_request_target",
                    "the request URI holds characters that must be percent-encoded (such as [ ] { } | \\ ^ ` or a space)");
        }
        if (status == 400 && message.contains("header is too large")) {
            return new SafeError("headers_too_large", "the request line and headers are larger than the connector accepts");
        }
        if (status == 400 && message.startsWith("Invalid character found in")) {
            return new SafeError("invalid_request", "the request line or a header holds characters HTTP does not allow");
        }
        if (status == 400) {
            return new SafeError("invalid_request", "the request is not valid HTTP/1.1");
        }
        return ErrorResponses.forStatus(status);
    }
}
