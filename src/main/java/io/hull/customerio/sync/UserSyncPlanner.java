package io.hull.customerio.sync;

import com.fasterxml.jackson.databind.JsonNode;
import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.customerio.AttributeChunker;
import io.hull.customerio.customerio.CustomerHash;
import io.hull.customerio.customerio.CustomerIoCredentials;
import io.hull.customerio.customerio.CustomerMapper;
import io.hull.customerio.customerio.CustomerValidator;
import io.hull.customerio.customerio.EventCall;
import io.hull.customerio.customerio.EventMapper;
import io.hull.customerio.hull.HullCredentials;
import io.hull.customerio.hull.HullNotification;
import io.hull.customerio.hull.UserClaims;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Decides, for every user of a notification, what Customer.io should see: nothing, a delete, or
 * identify calls. The order of the rules is Hull's (see {@link #decide}).
 */
@Component("userSyncPlanner")
public class UserSyncPlanner {

    static final String TRAIT_CREATED_AT = "traits_customerio/created_at";
    static final String TRAIT_DELETED_AT = "traits_customerio/deleted_at";
    static final String TRAIT_HASH = "traits_customerio/hash";
    static final String TRAIT_ID = "traits_customerio/id";
    private static final String NO_ID_VALUE = "no value for the id attribute";

    private final ConnectorProperties connector;
    private final CustomerIoProperties customerIo;
    private final MessageDeduplicator deduplicator;
    private final CustomerMapper mapper;
    private final CustomerValidator validator;
    private final CustomerHash hash;
    private final AttributeChunker chunker;
    private final EventMapper eventMapper;
    private final SyncedHashes syncedHashes;

    public UserSyncPlanner(ConnectorProperties connector, CustomerIoProperties customerIo, MessageDeduplicator deduplicator,
                           CustomerMapper mapper, CustomerValidator validator, CustomerHash hash, AttributeChunker chunker,
                           EventMapper eventMapper, SyncedHashes syncedHashes) {
        this.syncedHashes = syncedHashes;
        this.connector = connector;
        this.customerIo = customerIo;
        this.deduplicator = deduplicator;
        this.mapper = mapper;
        this.validator = validator;
        this.hash = hash;
        this.chunker = chunker;
        this.eventMapper = eventMapper;
    }

    public NotificationContext context(HullNotification notification) {
        return context(notification.credentials(), notification.privateSettings());
    }

    /**
     * What the users of one notification or one batch share. A batch carries no private settings
     * (pass an empty object): every setting then comes from {@code connector.settings}, and the
     * Customer.io credentials from {@code customerio.site-id/api-key}.
     */
    public NotificationContext context(HullCredentials hull, JsonNode privateSettings) {
        CustomerIoCredentials credentials = Optional
                .ofNullable(CustomerIoCredentials.ofNullable(privateSettings.path("site_id").asText(null),
                        privateSettings.path("api_key").asText(null)))
                .orElseGet(() -> CustomerIoCredentials.ofNullable(customerIo.getSiteId(), customerIo.getApiKey()));
        return new NotificationContext(hull, credentials, SyncSettings.resolve(privateSettings, connector.getSettings()));
    }

    public List<UserSyncTask> plan(HullNotification notification) {
        NotificationContext context = context(notification);
        List<JsonNode> messages = deduplicator.deduplicate(notification.messages());
        List<UserSyncTask> tasks = new ArrayList<>(messages.size());
        for (JsonNode message : messages) {
            tasks.add(plan(context, message));
        }
        return tasks;
    }

    /** One user, given as a notification message ({@code user}, {@code segments}, {@code account}, {@code events}). */
    public UserSyncTask plan(NotificationContext context, JsonNode message) {
        return planEvents(decide(context, message), message);
    }

    /**
     * Hull's rules, in order: credentials, whitelist, segment membership (and deletion), id, email,
     * validity, never sent → insert, unchanged → skip, else update. A user without an email that left
     * every segment is still deleted: the customer Customer.io holds was sent with one.
     */
    UserSyncTask decide(NotificationContext context, JsonNode message) {
        JsonNode user = message.path("user");
        UserClaims claims = UserClaims.of(user);
        SyncSettings settings = context.settings();
        if (context.customerIo() == null) {
            return UserSyncTask.skip(context, claims, "no Customer.io credentials: set site_id and api_key");
        }
        if (settings.synchronizedSegments().isEmpty()) {
            return UserSyncTask.skip(context, claims, "no segment is whitelisted (synchronized_segments is empty)");
        }
        JsonNode segments = message.path("segments");
        if (!inWhitelistedSegment(segments, settings)) {
            if (!settings.enableUserDeletion()) {
                return UserSyncTask.skip(context, claims, "not in any synchronized segment");
            }
            boolean sentBefore = sentBefore(user);
            if (!sentBefore || text(user, TRAIT_DELETED_AT) != null) {
                return UserSyncTask.skip(context, claims, !sentBefore
                        ? "not in any synchronized segment and never sent to Customer.io"
                        : "not in any synchronized segment and already deleted from Customer.io");
            }
            String customerId = Optional.ofNullable(text(user, TRAIT_ID))
                    .or(() -> mapper.customerId(user, settings)).orElse(null);
            if (customerId == null) {
                return UserSyncTask.skip(context, claims, "left every synchronized segment but its Customer.io id is unknown");
            }
            String unusable = CustomerMapper.unusableId(customerId);
            if (unusable != null) {
                return UserSyncTask.skip(context, claims, "left every synchronized segment but its Customer.io id " + unusable);
            }
            return new UserSyncTask(context, claims, UserSyncTask.Action.DELETE, null, customerId, List.of(), null, null,
                    List.of(), Map.of(), List.of());
        }
        Optional<String> customerId = mapper.customerId(user, settings);
        if (customerId.isEmpty()) {
            return UserSyncTask.skip(context, claims, NO_ID_VALUE + " '" + settings.userIdMapping() + "'");
        }
        String unusable = CustomerMapper.unusableId(customerId.get());
        if (unusable != null) {
            return UserSyncTask.skip(context, claims, "the value of the id attribute '" + settings.userIdMapping() + "' " + unusable);
        }
        if (settings.skipUsersWithoutEmail() && claims.email() == null) {
            return UserSyncTask.skip(context, claims, "no email (skip_users_without_email is on)");
        }
        List<String> leftOut = new ArrayList<>();
        Map<String, Object> attributes = mapper.attributes(user, message.path("account"),
                CustomerMapper.segmentNames(segments), settings, leftOut);
        List<String> problems = validator.problems(customerId.get(), attributes, settings);
        if (!problems.isEmpty()) {
            return new UserSyncTask(context, claims, UserSyncTask.Action.INVALID, String.join("; ", problems),
                    customerId.get(), List.of(), null, null, List.of(), Map.of(), List.of());
        }
        String customerHash = hash.of(customerId.get(), attributes);
        Long createdAt = attributes.get("created_at") instanceof Long seconds ? seconds : null;
        UserSyncTask.Action action;
        if (syncedHashes.isCurrent(context.customerIo().siteId(), customerId.get(), customerHash)
                && !hasEventsToSend(message, settings)) {
            // what Hull sent is older than what it holds now: a notification sent again after a partial failure
            return UserSyncTask.skip(context, claims, "unchanged since this connector last sent it (no events)");
        } else if (!sentBefore(user)) {
            action = UserSyncTask.Action.INSERT;
        } else if (customerHash.equals(text(user, TRAIT_HASH)) && !hasEventsToSend(message, settings)) {
            return UserSyncTask.skip(context, claims, "unchanged since the last sync (same hash, no events)");
        } else {
            action = UserSyncTask.Action.UPDATE;
        }
        return new UserSyncTask(context, claims, action, null, customerId.get(), chunker.chunks(attributes),
                customerHash, createdAt, List.of(), Map.of(), List.copyOf(leftOut));
    }

    /**
     * Which of the message's events go out: whitelisted ones ({@code events_filter}) of a user that is
     * sent, as customer events; of a user without an id, as anonymous events when {@code anonymous_events}
     * is on. Every other event is listed with the reason it stays behind.
     */
    UserSyncTask planEvents(UserSyncTask task, JsonNode message) {
        SyncSettings settings = task.context().settings();
        Map<String, List<String>> skipped = new LinkedHashMap<>();
        List<JsonNode> whitelisted = new ArrayList<>();
        for (JsonNode event : message.path("events")) {
            String name = event.path("event").asText("");
            if (settings.eventsFilter().contains(name)) {
                whitelisted.add(event);
            } else {
                skipped.computeIfAbsent("not in events_filter", r -> new ArrayList<>()).add(name);
            }
        }
        List<EventCall> toSend = new ArrayList<>();
        boolean customerSent = task.action() == UserSyncTask.Action.INSERT || task.action() == UserSyncTask.Action.UPDATE;
        boolean anonymous = task.action() == UserSyncTask.Action.SKIP && task.reason().startsWith(NO_ID_VALUE);
        for (JsonNode event : whitelisted) {
            String name = event.path("event").asText();
            if (customerSent) {
                toSend.add(eventMapper.map(event, task.context().customerIo(), task.customerId(), null));
            } else if (anonymous && settings.anonymousEvents()) {
                String anonymousId = Optional.ofNullable(text(event, "anonymous_id")).orElse(task.claims().anonymousId());
                if (anonymousId == null) {
                    skipped.computeIfAbsent("no id and no anonymous id", r -> new ArrayList<>()).add(name);
                } else {
                    toSend.add(eventMapper.map(event, task.context().customerIo(), null, anonymousId));
                }
            } else if (anonymous) {
                skipped.computeIfAbsent("user has no id and anonymous_events is disabled", r -> new ArrayList<>()).add(name);
            } else {
                skipped.computeIfAbsent("user not sent: " + task.reason(), r -> new ArrayList<>()).add(name);
            }
        }
        return task.withEvents(toSend, skipped);
    }

    private static boolean inWhitelistedSegment(JsonNode segments, SyncSettings settings) {
        for (JsonNode segment : segments) {
            if (settings.synchronizedSegments().contains(segment.path("id").asText())) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasEventsToSend(JsonNode message, SyncSettings settings) {
        for (JsonNode event : message.path("events")) {
            if (settings.eventsFilter().contains(event.path("event").asText())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether this connector (or Hull's before it) wrote the customer to Customer.io: Hull holds its
     * {@code customerio/id}, or its {@code customerio/created_at} (all that users synced by Hull's connector may hold).
     */
    private static boolean sentBefore(JsonNode user) {
        return text(user, TRAIT_ID) != null || text(user, TRAIT_CREATED_AT) != null;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText();
    }
}
