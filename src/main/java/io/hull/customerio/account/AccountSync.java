package io.hull.customerio.account;

import com.fasterxml.jackson.databind.JsonNode;
import io.hull.customerio.hull.AccountClaims;
import io.hull.customerio.sync.NotificationContext;
import io.hull.customerio.sync.SyncSettings;
import io.hull.customerio.sync.UserSync.Action;

/**
 * One Hull account on its way through route sync-account: what each stage found. Exchange property
 * {@value #PROPERTY}; the stages' beans read and write it, the body carries the object (a Map) between them.
 */
public final class AccountSync {

    /** Exchange property holding the account's {@link AccountSync} in routes sync-account and object-stages. */
    public static final String PROPERTY = "accountSync";
    /** Exchange property routes/customize.yaml's customize-account reads: the names of the account's segments. */
    public static final String HULL_ACCOUNT_SEGMENTS = "hullAccountSegments";

    private final NotificationContext context;
    private final JsonNode message;
    private final AccountClaims claims;
    private Action action = Action.SKIP;
    private String reason;
    private String objectId;
    private String objectTypeId;
    private String hash;
    private int attributes;
    private boolean outsideSegments;
    private String replacedObject;

    public AccountSync(NotificationContext context, JsonNode message) {
        this.context = context;
        this.message = message;
        this.claims = AccountClaims.of(message.path("account"));
    }

    public NotificationContext context() {
        return context;
    }

    public SyncSettings.AccountSettings settings() {
        return context.settings().accounts();
    }

    /** The account as Hull sent it, its sync state traits unprefixed ({@code customerio/hash}). */
    public JsonNode account() {
        return message.path("account");
    }

    public JsonNode message() {
        return message;
    }

    public AccountClaims claims() {
        return claims;
    }

    public Action action() {
        return action;
    }

    public String reason() {
        return reason;
    }

    /** The Customer.io object id (the value of {@code account_id_mapping}). */
    public String objectId() {
        return objectId;
    }

    /** {@code object_type_id}; for a deletion, the type the object was written with. */
    public String objectTypeId() {
        return objectTypeId != null ? objectTypeId : settings().objectTypeId();
    }

    public String hash() {
        return hash;
    }

    public int attributes() {
        return attributes;
    }

    public boolean outsideSegments() {
        return outsideSegments;
    }

    /** The object the account was sent as before, when it is another one now ({@code type/id}), or null. */
    public String replacedObject() {
        return replacedObject;
    }

    void replaces(String typeId, String id) {
        replacedObject = typeId + "/" + id;
    }

    void skip(String why) {
        action = Action.SKIP;
        reason = why;
    }

    void outsideSegments(String why) {
        skip(why);
        outsideSegments = true;
    }

    void invalid(String problems) {
        action = Action.INVALID;
        reason = problems;
    }

    void objectId(String id) {
        objectId = id;
    }

    void delete(String id, String typeId) {
        action = Action.DELETE;
        objectId = id;
        objectTypeId = typeId;
    }

    void identify(Action insertOrUpdate, String objectHash, int attributeCount) {
        action = insertOrUpdate;
        hash = objectHash;
        attributes = attributeCount;
    }
}
