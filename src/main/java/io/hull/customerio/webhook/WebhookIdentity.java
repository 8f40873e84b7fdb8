package io.hull.customerio.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.hull.UserClaims;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Which Hull user a webhook is about, with Hull's standard claims only:
 * <ul>
 *   <li>the Customer.io id ({@code data.identifiers.id}, else {@code data.customer_id}) as {@code external_id},
 *       or as {@code id} when {@code connector.settings.user_id_mapping} is {@code id};</li>
 *   <li>{@code email} from {@code data.identifiers.email}, else {@code data.email_address} ({@code Name <address>}
 *       allowed), else {@code data.recipient}, but only for email deliveries: the recipient of an SMS is a phone
 *       number, of a Slack message a channel, of a webhook a URL;</li>
 *   <li>{@code anonymous_id} = {@code customerio:<data.identifiers.cio_id>}.</li>
 * </ul>
 */
@Component("webhookIdentity")
public class WebhookIdentity {

    /** Deliberately plain: it only has to tell an address from a phone number, channel or URL. */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s<>()\",;:/]+@[^@\\s<>()\",;:/]+\\.[^@\\s<>()\",;:/]+");
    private static final Pattern NAME_ADDRESS = Pattern.compile(".*<([^<>]+)>\\s*");

    private final ConnectorProperties connector;

    public WebhookIdentity(ConnectorProperties connector) {
        this.connector = connector;
    }

    public UserClaims claims(JsonNode data, String objectType) {
        JsonNode identifiers = data.path("identifiers");
        String customerId = firstText(identifiers.path("id"), data.path("customer_id"));
        String email = email(text(identifiers.path("email")));
        if (email == null) {
            email = email(text(data.path("email_address")));
        }
        if (email == null && "email".equals(objectType)) {
            email = email(text(data.path("recipient")));
        }
        String cioId = text(identifiers.path("cio_id"));
        // The Customer.io id is whatever Hull attribute user_id_mapping named when the customer was sent:
        // it goes back under that claim, and only if it is one of Hull's standard claims.
        String mapping = connector.getSettings().getUserIdMapping();
        String hullId = null;
        String externalId = null;
        switch (mapping == null ? "external_id" : mapping) {
            case "id" -> hullId = customerId;
            case "external_id" -> externalId = customerId;
            case "email" -> {
                if (email == null) {
                    email = email(customerId);
                }
            }
            default -> { } // another attribute: not a claim Hull can resolve a user by
        }
        return new UserClaims(hullId, email, externalId, cioId == null ? null : "customerio:" + cioId);
    }

    /** The address in {@code sven@x.io} or {@code Sven <sven@x.io>}; null for anything that is not an email address. */
    static String email(String value) {
        if (value == null) {
            return null;
        }
        String candidate = value.trim();
        Matcher named = NAME_ADDRESS.matcher(candidate);
        if (named.matches()) {
            candidate = named.group(1).trim();
        }
        return EMAIL.matcher(candidate).matches() ? candidate : null;
    }

    private static String firstText(JsonNode... nodes) {
        for (JsonNode node : nodes) {
            String value = text(node);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    static String text(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull() || node.isContainerNode()) {
            return null;
        }
        String value = node.asText();
        return value.isBlank() ? null : value.trim();
    }
}
