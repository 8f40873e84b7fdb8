package io.hull.customerio.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.hull.UserClaims;
import io.hull.customerio.input.InputRules;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Which Hull user a webhook is about, with Hull's standard claims only:
 * Only identifiers that are JSON strings count, trimmed, at most {@value #MAX_IDENTIFIER_BYTES} UTF-8 bytes (Customer.io's
 * limit for ids) and without control characters; any other value is as good as missing.
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

    static final int MAX_IDENTIFIER_BYTES = 150;
    /** Deliberately plain: it only has to tell an address from a phone number, channel or URL. */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s<>()\",;:/]+@[^@\\s<>()\",;:/]+\\.[^@\\s<>()\",;:/]+");
    private static final Pattern NAME_ADDRESS = Pattern.compile(".*<([^<>]+)>\\s*");

    private final ConnectorProperties connector;

    public WebhookIdentity(ConnectorProperties connector) {
        this.connector = connector;
    }

    public UserClaims claims(JsonNode data, String objectType) {
        JsonNode identifiers = data.path("identifiers");
        String customerId = firstIdentifier(identifiers.path("id"), data.path("customer_id"));
        String email = email(identifier(identifiers.path("email")));
        if (email == null) {
            email = email(identifier(data.path("email_address")));
        }
        if (email == null && "email".equals(objectType)) {
            email = email(identifier(data.path("recipient")));
        }
        String cioId = identifier(identifiers.path("cio_id"));
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

    private static String firstIdentifier(JsonNode... nodes) {
        for (JsonNode node : nodes) {
            String value = identifier(node);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** A string that can name a user, or {@code null}: see the class. */
    static String identifier(JsonNode node) {
        // control characters are looked for before trimming, which would take those at either end for spaces
        if (node == null || !node.isTextual() || InputRules.hasControlCharacter(node.textValue())) {
            return null;
        }
        String value = text(node);
        return value == null || value.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES ? null : value;
    }

    /** A JSON string, trimmed, not blank; {@code null} for anything else (a number or a boolean is not text). */
    static String text(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return null;
        }
        String value = node.textValue();
        return value.isBlank() ? null : value.trim();
    }


}
