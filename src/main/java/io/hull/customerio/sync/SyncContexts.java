package io.hull.customerio.sync;

import com.fasterxml.jackson.databind.JsonNode;
import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.customerio.CustomerIoCredentials;
import io.hull.customerio.hull.HullCredentials;
import io.hull.customerio.hull.HullNotification;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * What the users of one notification, one backfill chunk or one Kafka record share (exchange property
 * {@value UserSync#CONTEXT} of route sync-user): the Hull credentials to write back with, the Customer.io
 * credentials and the settings, each from the notification's private settings, else from application.yaml.
 */
@Component("syncContexts")
public class SyncContexts {

    private final ConnectorProperties connector;
    private final CustomerIoProperties customerIo;
    private final MessageDeduplicator deduplicator;

    public SyncContexts(ConnectorProperties connector, CustomerIoProperties customerIo, MessageDeduplicator deduplicator) {
        this.connector = connector;
        this.customerIo = customerIo;
        this.deduplicator = deduplicator;
    }

    /** Step {@code notification-context} of route sync-user-updates. */
    public NotificationContext of(HullNotification notification) {
        return of(notification.credentials(), notification.privateSettings());
    }

    /**
     * A batch carries no private settings (pass an empty object): every setting then comes from
     * {@code connector.settings}, and the Customer.io credentials from {@code customerio.site-id/api-key}.
     */
    public NotificationContext of(HullCredentials hull, JsonNode privateSettings) {
        CustomerIoCredentials credentials = Optional
                .ofNullable(CustomerIoCredentials.ofNullable(privateSettings.path("site_id").asText(null),
                        privateSettings.path("api_key").asText(null)))
                .orElseGet(() -> CustomerIoCredentials.ofNullable(customerIo.getSiteId(), customerIo.getApiKey()));
        return new NotificationContext(hull, credentials, SyncSettings.resolve(privateSettings, connector.getSettings()));
    }

    /**
     * What route sync-account-updates splits: an account:update notification's accounts, one message each (a later
     * message of the same account, by {@code account.id}, replaces an earlier one).
     */
    public List<JsonNode> accounts(HullNotification notification) {
        Map<String, JsonNode> byAccount = new LinkedHashMap<>();
        List<JsonNode> withoutId = new ArrayList<>();
        for (JsonNode message : notification.messages()) {
            String id = message.path("account").path("id").asText(null);
            if (id == null) {
                withoutId.add(message);
            } else {
                byAccount.remove(id);
                byAccount.put(id, message);
            }
        }
        List<JsonNode> accounts = new ArrayList<>(byAccount.values());
        accounts.addAll(withoutId);
        return accounts;
    }

    /** What route sync-user-updates splits: the notification's users, one message each (the latest of a user's). */
    public List<JsonNode> users(HullNotification notification) {
        return deduplicator.deduplicate(notification.messages());
    }
}
