package io.hull.customerio.sync;

import com.fasterxml.jackson.databind.JsonNode;
import io.hull.customerio.config.ConnectorProperties;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The connector settings that decide what is sent, with Hull's names. Each comes from the
 * notification's {@code connector.private_settings}, else from {@code connector.settings} in
 * application.yaml.
 */
public record SyncSettings(Set<String> synchronizedSegments, boolean enableUserDeletion, Set<String> eventsFilter,
                           boolean anonymousEvents, String userIdMapping, List<String> synchronizedAttributes,
                           int maxAttributeNameLength, int maxAttributeValueLength, int maxIdentifierValueLength,
                           boolean skipUsersWithoutEmail, AccountSettings accounts, Set<String> suppressedSegments,
                           Boolean mergeCustomersOnIdChange) {

    /**
     * Hull accounts → Customer.io objects: {@code synchronized_account_segments} (empty: no account is sent),
     * {@code synchronized_account_attributes}, {@code account_id_mapping}, {@code object_type_id},
     * {@code enable_account_deletion}, {@code link_users_in_service}.
     */
    public record AccountSettings(Set<String> synchronizedAccountSegments, List<String> synchronizedAccountAttributes,
                                  String accountIdMapping, String objectTypeId, boolean enableAccountDeletion,
                                  boolean linkUsersInService) {

        /** No account is sent, no user related: what a Kafka record written before accounts existed stands for. */
        static final AccountSettings NONE = new AccountSettings(Set.of(), List.of(), "external_id", "1", false, false);
    }

    public SyncSettings {
        // a Kafka record written by a release without accounts has none: they were off
        accounts = accounts == null ? AccountSettings.NONE : accounts;
        // null: a Kafka record written before the setting existed; nobody is suppressed or unsuppressed by it
        // a Kafka record written before the setting existed: its default
        mergeCustomersOnIdChange = mergeCustomersOnIdChange == null || mergeCustomersOnIdChange;
    }

    public static SyncSettings resolve(JsonNode privateSettings, ConnectorProperties.Settings defaults) {
        return new SyncSettings(
                new LinkedHashSet<>(list(privateSettings, "synchronized_segments", defaults.getSynchronizedSegments())),
                bool(privateSettings, "enable_user_deletion", defaults.isEnableUserDeletion()),
                new LinkedHashSet<>(list(privateSettings, "events_filter", defaults.getEventsFilter())),
                bool(privateSettings, "anonymous_events", defaults.isAnonymousEvents()),
                text(privateSettings, "user_id_mapping", defaults.getUserIdMapping()),
                list(privateSettings, "synchronized_attributes", defaults.getSynchronizedAttributes()),
                number(privateSettings, "max_attribute_name_length", defaults.getMaxAttributeNameLength()),
                number(privateSettings, "max_attribute_value_length", defaults.getMaxAttributeValueLength()),
                number(privateSettings, "max_identifier_value_length", defaults.getMaxIdentifierValueLength()),
                bool(privateSettings, "skip_users_without_email", defaults.isSkipUsersWithoutEmail()),
                new AccountSettings(
                        new LinkedHashSet<>(list(privateSettings, "synchronized_account_segments",
                                defaults.getSynchronizedAccountSegments())),
                        list(privateSettings, "synchronized_account_attributes", defaults.getSynchronizedAccountAttributes()),
                        text(privateSettings, "account_id_mapping", defaults.getAccountIdMapping()),
                        text(privateSettings, "object_type_id", defaults.getObjectTypeId()),
                        bool(privateSettings, "enable_account_deletion", defaults.isEnableAccountDeletion()),
                        bool(privateSettings, "link_users_in_service", defaults.isLinkUsersInService())),
                new LinkedHashSet<>(list(privateSettings, "suppressed_segments", defaults.getSuppressedSegments())),
                bool(privateSettings, "merge_customers_on_id_change", defaults.isMergeCustomersOnIdChange()));
    }

    private static List<String> list(JsonNode settings, String name, List<String> fallback) {
        JsonNode value = settings.get(name);
        if (value == null || value.isNull() || !value.isArray()) {
            return fallback == null ? List.of() : List.copyOf(fallback);
        }
        List<String> items = new ArrayList<>();
        value.forEach(item -> {
            if (!item.isNull() && !item.asText().isBlank()) {
                items.add(item.asText());
            }
        });
        return items;
    }

    private static boolean bool(JsonNode settings, String name, boolean fallback) {
        JsonNode value = settings.get(name);
        return value == null || value.isNull() ? fallback : value.asBoolean(fallback);
    }

    private static String text(JsonNode settings, String name, String fallback) {
        JsonNode value = settings.get(name);
        return value == null || value.isNull() || value.asText().isBlank() ? fallback : value.asText();
    }

    private static int number(JsonNode settings, String name, int fallback) {
        JsonNode value = settings.get(name);
        return value == null || value.isNull() || value.asInt(0) <= 0 ? fallback : value.asInt();
    }
}
