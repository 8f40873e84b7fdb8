package io.hull.customerio.sync;

import com.fasterxml.jackson.databind.JsonNode;
import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.customerio.CustomerMapper;
import io.hull.customerio.hull.UserFieldSelection;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;

/**
 * Every field of a Hull user object that a rule of the connector reads, for the settings of a
 * notification. The notification parser leaves every other field out of the users it builds (a user
 * has ~70 fields; the fixture's settings read 11 of them, and building the rest was the largest share
 * of the connector's CPU: docs/benchmarks.md).
 *
 * <p><b>A rule that reads a new user field must name it here</b>, or it will not find it in
 * notifications. {@code UserFieldsReadTest} runs the stages of route sync-user on the shared fixture with and
 * without the parser's selection, under several settings, and expects the same result. In Kafka mode the records carry the users as
 * parsed: records published before an upgrade that names a new field here are planned without it (let the topic
 * drain before such an upgrade, or replay the notifications).
 */
@Component("userFieldsRead")
public class UserFieldsRead implements UserFieldSelection {

    /** Read whatever the settings: */
    static final Set<String> ALWAYS = Set.of(
            // the user's identity: UserClaims (logs, firehose tokens), MessageDeduplicator and the Kafka key (id)
            "id", "email", "external_id", "anonymous_id", "anonymous_ids",
            // the customer's fixed attributes: CustomerMapper
            "created_at",
            // which of several messages of one user is the latest: MessageDeduplicator
            "indexed_at");
    /** The sync state the connector wrote back (customerio/id, hash, created_at, deleted_at): sync-user's stages. */
    static final String SYNC_STATE_PREFIX = "traits_customerio/";

    private final ConnectorProperties connector;

    public UserFieldsRead(ConnectorProperties connector) {
        this.connector = connector;
    }

    @Override
    public Predicate<String> fieldsRead(JsonNode connectorObject) {
        // resolved exactly as SyncContexts resolves them, defaults included
        SyncSettings settings = SyncSettings.resolve(connectorObject.path("private_settings"), connector.getSettings());
        Set<String> fields = new HashSet<>(ALWAYS);
        fields.add(settings.userIdMapping());
        // what routes/customize.yaml reads of property hullUser
        fields.addAll(connector.getCustomization().getUserFields());
        for (String attribute : settings.synchronizedAttributes()) {
            if (!attribute.startsWith(CustomerMapper.ACCOUNT_PREFIX)) {
                fields.add(attribute);
            }
        }
        return field -> fields.contains(field) || field.startsWith(SYNC_STATE_PREFIX);
    }
}
