package io.hull.customerio.sync;

import com.fasterxml.jackson.databind.JsonNode;
import io.hull.customerio.hull.UserClaims;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One Hull user on its way through route sync-user: what each stage found. Exchange property {@value #PROPERTY};
 * the stages' beans read and write it, the body carries the customer (a Map) between them.
 */
public final class UserSync {

    /** Exchange property holding the user's {@link UserSync} in routes sync-user and sync-user-events. */
    public static final String PROPERTY = "userSync";
    /** Exchange property: the credentials and settings every user of a notification, a round or a chunk shares. */
    public static final String CONTEXT = "syncContext";
    /** Exchange property an engineer's step sets (routes/customize.yaml) to skip the user or the event, with the reason logged. */
    public static final String SKIP_REASON = "skipReason";
    /**
     * Exchange property of a backfill chunk's or a Kafka record's exchange: the route its message goes through,
     * {@value #SYNC_USER} or {@value #SYNC_ACCOUNT}.
     */
    public static final String SYNC_ROUTE = "syncRoute";
    public static final String SYNC_USER = "direct:sync-user";
    public static final String SYNC_ACCOUNT = "direct:sync-account";
    /** Exchange properties routes/customize.yaml reads. */
    public static final String HULL_USER = "hullUser";
    public static final String HULL_SEGMENTS = "hullSegments";
    public static final String HULL_ACCOUNT = "hullAccount";
    public static final String HULL_EVENT = "hullEvent";
    /** Exchange property of an event of route sync-user-events: the anonymous id it goes with, null for a customer's. */
    public static final String ANONYMOUS_ID = "eventAnonymousId";
    /** Exchange property of an event of route sync-user-events: how it ended ({@link EventResult}). */
    public static final String EVENT_RESULT = "eventResult";

    /** What happens to the customer in Customer.io. */
    public enum Action { SKIP, INVALID, DELETE, INSERT, UPDATE, SUPPRESS }

    private final NotificationContext context;
    private final JsonNode message;
    private final UserClaims claims;
    private Action action = Action.SKIP;
    private String reason;
    private String customerId;
    private String hash;
    private Long createdAt;
    private int attributes;
    private int calls;
    private final List<String> leftOut = new ArrayList<>();
    private boolean outsideSegments;
    private boolean withoutId;
    private String objectTypeId;
    private String relatedObjectId;
    private String formerObjectId;
    private boolean inSuppressedSegment;
    private boolean unsuppressed;
    private String mergedFrom;
    private String mergeRefused;

    public UserSync(NotificationContext context, JsonNode message) {
        this.context = context;
        this.message = message;
        this.claims = UserClaims.of(message.path("user"));
    }

    public NotificationContext context() {
        return context;
    }

    public SyncSettings settings() {
        return context.settings();
    }

    /** The notification message: {@code user}, {@code segments}, {@code account}, {@code events}. */
    public JsonNode message() {
        return message;
    }

    public JsonNode user() {
        return message.path("user");
    }

    public UserClaims claims() {
        return claims;
    }

    public Action action() {
        return action;
    }

    /** Why the user is skipped, or every validation error of an invalid customer. */
    public String reason() {
        return reason;
    }

    /** The Customer.io id the calls go to. */
    public String customerId() {
        return customerId;
    }

    /** Hash of the customer as sent, written back as {@code customerio/hash}. */
    public String hash() {
        return hash;
    }

    /** The customer's {@code created_at} as sent (unix seconds), written back as {@code customerio/created_at}; null: none. */
    public Long createdAt() {
        return createdAt;
    }

    public int attributes() {
        return attributes;
    }

    public int calls() {
        return calls;
    }

    /** What of an identified customer is not sent, and why (a {@code created_at} that is no date). */
    public List<String> leftOut() {
        return leftOut;
    }

    /** In none of the whitelisted segments: deleted from Customer.io when deletion is enabled and it was sent. */
    public boolean outsideSegments() {
        return outsideSegments;
    }

    /** Without a value for the id attribute: its events may go as anonymous events. */
    public boolean withoutId() {
        return withoutId;
    }

    /** Whether its customer is written to Customer.io (inserted or updated). */
    public boolean identifies() {
        return action == Action.INSERT || action == Action.UPDATE;
    }

    /** The object (its Hull account) the customer is related to, or null. */
    public String relatedObjectId() {
        return relatedObjectId;
    }

    /** The object of the account the user left (its relationship is removed), or null. */
    public String formerObjectId() {
        return formerObjectId;
    }

    public String objectTypeId() {
        return objectTypeId;
    }

    /** Step relate-to-account. */
    public void relatedTo(String typeId, String objectId) {
        objectTypeId = typeId;
        relatedObjectId = objectId;
    }

    /** Step relate-to-account. */
    public void formerlyRelatedTo(String typeId, String objectId) {
        objectTypeId = typeId;
        formerObjectId = objectId;
    }

    /** In one of {@code suppressed_segments}: nothing but its suppression (once) goes to Customer.io. */
    public boolean inSuppressedSegment() {
        return inSuppressedSegment;
    }

    /** Left every suppressed segment and was unsuppressed in this sync: its result writes {@code suppressed_at} null. */
    public boolean unsuppressed() {
        return unsuppressed;
    }

    /** The id the person had before, merged into its new one in this sync (merge_customers_on_id_change), or null. */
    public String mergedFrom() {
        return mergedFrom;
    }

    /** Why Customer.io refused to merge the former person into this one, or null. */
    public String mergeRefused() {
        return mergeRefused;
    }

    void mergeFrom(String formerId) {
        mergedFrom = formerId;
    }

    void mergeRefused(String why) {
        mergeRefused = why;
        mergedFrom = null;
    }

    void suppressedSegment(String why) {
        inSuppressedSegment = true;
        skip(why);
    }

    void suppress(String id) {
        inSuppressedSegment = true;
        action = Action.SUPPRESS;
        customerId = id;
    }

    void unsuppress(String id) {
        unsuppressed = true;
        customerId = id;
    }

    void skip(String why) {
        action = Action.SKIP;
        reason = why;
    }

    void outsideSegments(String why) {
        skip(why);
        outsideSegments = true;
    }

    void withoutId(String why) {
        skip(why);
        withoutId = true;
    }

    void invalid(String problems) {
        action = Action.INVALID;
        reason = problems;
    }

    void delete(String id) {
        action = Action.DELETE;
        customerId = id;
    }

    void customerId(String id) {
        customerId = id;
    }

    /** {@code attributes}: the customer as sent, without its id (the path carries it). */
    void identify(Action insertOrUpdate, String customerHash, Map<String, Object> attributes) {
        action = insertOrUpdate;
        hash = customerHash;
        createdAt = attributes.get("created_at") instanceof Long seconds ? seconds : null;
        this.attributes = attributes.size();
    }

    void calls(int identifyCalls) {
        calls = identifyCalls;
    }
}
