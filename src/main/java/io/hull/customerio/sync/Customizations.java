package io.hull.customerio.sync;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hull.customerio.customerio.CustomerMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * What routes/customize.yaml hands back: the body it leaves (a Map, JSON text or bytes, or a Jackson node) read as
 * the customer or the event, whatever language the engineer's steps used.
 */
@Component("customizations")
public class Customizations {

    /** Exchange property route configuration customization-errors sets: why an engineer's step failed. */
    public static final String FAILURE = "customizationFailure";

    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private final ObjectMapper json;

    public Customizations(ObjectMapper json) {
        this.json = json;
    }

    /** The body as a JSON object's fields, in their order; {@code null} when it is no JSON object. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> asMap(Object body) {
        if (body instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        try {
            if (body instanceof JsonNode node) {
                return node.isObject() ? json.convertValue(node, MAP) : null;
            }
            // read as a Map at once (a JSON text that is no object fails here, and is none)
            if (body instanceof String text) {
                return json.readValue(text, MAP);
            }
            if (body instanceof byte[] bytes) {
                return json.readValue(bytes, MAP);
            }
        } catch (IOException | IllegalArgumentException notAnObject) {
            return null;
        }
        return null;
    }

    /**
     * Route configuration customization-errors: why the engineer's step failed, said once for the user or event it
     * worked on (property {@value #FAILURE}). The exception's own words, without a stack trace: its message names
     * the step's expression, not a secret of the connector's.
     */
    public String failure(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e, @ExchangeProperty(Exchange.FAILURE_ROUTE_ID) String route) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return "route " + route + " failed: " + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    /**
     * What an engineer's route (customize-customer, customize-account) left for the filter after it (valid-customer,
     * valid-object): its {@code skipReason}, why it is not sendable ({@code invalid}: the route failed, or what it left is
     * no JSON object with a usable {@code id}), or the id and the attributes without it.
     */
    public record Left(String skipReason, String invalid, String id, Map<String, Object> attributes) {
    }

    /** {@code route}: the engineer's route, {@code what}: what it works on ("customer", "object"), for the reasons. */
    public Left left(Exchange exchange, String route, String what) {
        String failure = exchange.getProperty(FAILURE, String.class);
        if (failure != null) {
            return new Left(null, failure, null, null);
        }
        String skipReason = exchange.getProperty(UserSync.SKIP_REASON, String.class);
        if (skipReason != null) {
            return new Left(skipReason, null, null, null);
        }
        Object body = exchange.getMessage().getBody();
        Map<String, Object> left = asMap(body);
        if (left == null) {
            return new Left(null, route + " left " + describe(body) + ", not " + article(what) + " (a JSON object)", null, null);
        }
        Object id = left.get("id");
        if (!(id instanceof String || id instanceof Number) || id.toString().isBlank()) {
            return new Left(null, "the " + what + " has no id (a string or a number)", null, null);
        }
        String unusable = CustomerMapper.unusableId(id.toString());
        if (unusable != null) {
            return new Left(null, "the " + what + "'s id " + unusable, null, null);
        }
        Map<String, Object> attributes = new LinkedHashMap<>(left);
        attributes.remove("id");
        return new Left(null, null, id.toString(), attributes);
    }

    private static String article(String what) {
        return ("aeiou".indexOf(what.charAt(0)) >= 0 ? "an " : "a ") + what;
    }

    /** What the body is, for a reason that says why it is not a customer or an event. */
    public static String describe(Object body) {
        return body == null ? "no body" : "a " + body.getClass().getSimpleName();
    }
}
