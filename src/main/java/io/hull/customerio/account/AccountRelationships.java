package io.hull.customerio.account;

import com.fasterxml.jackson.databind.JsonNode;
import io.hull.customerio.customerio.CustomerMapper;
import io.hull.customerio.sync.Segments;
import io.hull.customerio.sync.SyncSettings.AccountSettings;
import io.hull.customerio.sync.UserSync;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Step {@code relate-to-account} of route customer-stages: which Customer.io object a synced person is related to, and
 * which relationship its move to another account ends. With {@code link_users_in_service} on, a user whose message
 * carries an {@code account} with a value for {@code account_id_mapping}, in one of
 * {@code synchronized_account_segments}, is related to that object: its identify carries the relationship, and the
 * relationship is part of its hash (a user who moves account is sent again). When the message's
 * {@code changes.account} shows the mapped id changing from an old value, the old relationship is removed.
 */
@Component("accountRelationships")
public class AccountRelationships implements Processor {

    /** Where a person's relationships go in an identify's body (v1) or item (v2). */
    public static final String PAYLOAD_KEY = "cio_relationships";

    /** A processor, not a bean method: it runs for every synced user, and bean parameter binding costs per call. */
    @Override
    public void process(Exchange exchange) {
        relate(exchange.getProperty(UserSync.PROPERTY, UserSync.class));
    }

    void relate(UserSync user) {
        AccountSettings accounts = user.settings().accounts();
        if (!accounts.linkUsersInService() || accounts.synchronizedAccountSegments().isEmpty()) {
            return;
        }
        JsonNode message = user.message();
        int maxIdBytes = user.settings().maxIdentifierValueLength();
        // an id the account's own sync would refuse (valid-object) names no object: no relationship to it
        String objectId = CustomerMapper.idValue(message.path("account"), accounts.accountIdMapping())
                .filter(id -> CustomerMapper.unusableId(id) == null && id.getBytes(StandardCharsets.UTF_8).length <= maxIdBytes)
                .orElse(null);
        if (objectId != null && synchronizedAccount(message, objectId, accounts)) {
            user.relatedTo(accounts.objectTypeId(), objectId);
        }
        JsonNode change = message.path("changes").path("account").path(accounts.accountIdMapping());
        if (change.isArray() && change.size() == 2) {
            CustomerMapper.idValue(change.get(0))
                    .filter(former -> !former.equals(objectId) && CustomerMapper.unusableId(former) == null)
                    .ifPresent(former -> user.formerlyRelatedTo(accounts.objectTypeId(), former));
        }
    }

    /**
     * Whether the user's account is synchronized: one of its segments is whitelisted. A backfill's user line without
     * {@code account_segment_ids} does not say; its account is taken as synchronized when it holds this object id as its
     * {@code customerio/id} (it was sent as that object), so that a backfill neither adds nor drops relationships that
     * notifications make.
     */
    private static boolean synchronizedAccount(JsonNode message, String objectId, AccountSettings accounts) {
        JsonNode segments = message.get("account_segments");
        if (segments != null && segments.isArray()) {
            return Segments.firstIn(segments, accounts.synchronizedAccountSegments()) != null;
        }
        return objectId.equals(message.path("account").path("customerio/id").asText(null));
    }

    /** A relationship's identifiers, as Customer.io names them. */
    public static Map<String, Object> identifiers(String objectTypeId, String objectId) {
        return Map.of("identifiers", Map.of("object_type_id", objectTypeId, "object_id", objectId));
    }

    /** v1's {@code cio_relationships} of an identify: {@code add_relationships} or {@code delete_relationships}. */
    public static Map<String, Object> v1(String action, String objectTypeId, String objectId) {
        return Map.of("action", action, "relationships", List.of(identifiers(objectTypeId, objectId)));
    }
}
