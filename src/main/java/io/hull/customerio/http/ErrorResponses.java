package io.hull.customerio.http;

import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Turns a refused request into its HTTP answer: status plus {@code {"errors":[{"code","reason"}]}}.
 * Used by the inbound route configuration so every endpoint answers errors the same way.
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
        return errors("internal_error", "the request could not be handled; try again");
    }

    public static Map<String, Object> errors(String code, String reason) {
        return Map.of("errors", List.of(Map.of("code", code, "reason", reason)));
    }
}
