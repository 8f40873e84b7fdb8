package io.hull.customerio.http;

import io.hull.customerio.errors.SafeError;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The one shape of every error answer, on every path and for every status:
 * {@code {"errors":[{"code","reason"}]}} (the notifier's 503 adds its {@code flow_control}). Used by the routes'
 * error handling, by {@link JsonErrorController} for what Spring answers (unknown paths, wrong methods) and by
 * {@link JsonErrorReportValve} for what Tomcat refuses before any servlet runs.
 */
@Component("errorResponses")
public class ErrorResponses {

    public Map<String, Object> rejected(Exchange exchange) {
        RequestRejectedException e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, RequestRejectedException.class);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, e.status());
        return errors(e.code(), e.reason());
    }

    /** 500 for a request that failed for a reason of ours; the exception's text stays in our log. */
    public Map<String, Object> failed(Exchange exchange) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 500);
        return errors(SafeError.INTERNAL);
    }

    /** 503 for what may work later (Hull unreachable): the failure's safe words. */
    public Map<String, Object> unavailable(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 503);
        return errors(SafeError.of(e));
    }

    public static Map<String, Object> errors(String code, String reason) {
        return errors(new SafeError(code, reason));
    }

    public static Map<String, Object> errors(SafeError error) {
        return Map.of("errors", List.of(error.asMap()));
    }

    /** What an HTTP status means in the connector's words, for answers no route wrote. */
    public static SafeError forStatus(int status) {
        return switch (status) {
            case 400 -> new SafeError("bad_request", "the request is not valid HTTP for this connector");
            case 401 -> new SafeError("unauthorized", "the request is not authenticated");
            case 403 -> new SafeError("forbidden", "the request is not allowed");
            case 404 -> new SafeError("not_found",
                    "no such endpoint: the connector serves POST /smart-notifier, POST /webhook, POST /webhooks/{connector}/{token}, "
                            + "GET /credentials, POST /batch, GET /status and /actuator");
            case 405 -> new SafeError("method_not_allowed", "this endpoint does not take this HTTP method");
            case 406 -> new SafeError("not_acceptable", "the connector answers application/json only");
            case 408 -> new SafeError("request_timeout", "the request was not received in time");
            case 413 -> new SafeError("payload_too_large", "the request is too large");
            case 414 -> new SafeError("uri_too_long", "the request URI is too long");
            case 415 -> new SafeError("unsupported_media_type", "the connector takes application/json bodies only");
            case 431 -> new SafeError("headers_too_large", "the request headers are too large");
            case 501 -> new SafeError("not_implemented", "the request uses an HTTP feature the connector does not take "
                    + "(a Transfer-Encoding other than chunked, an unknown method)");
            case 503 -> new SafeError("unavailable", "the connector cannot take requests now; try again later");
            case 505 -> new SafeError("http_version_not_supported", "the connector speaks HTTP/1.1 (and 1.0)");
            default -> status >= 500 ? SafeError.INTERNAL : new SafeError("http_" + status, "the request was refused");
        };
    }
}
