package io.hull.customerio.kafka;

import io.hull.customerio.batch.BatchChunk;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hull.customerio.errors.JsonLocations;
import io.hull.customerio.errors.SafeError;
import io.hull.customerio.hull.HullNotification;
import io.hull.customerio.hull.HullUnavailableException;
import io.hull.customerio.sync.MessageDeduplicator;
import io.hull.customerio.sync.NotificationContext;
import io.hull.customerio.sync.SyncContexts;
import io.hull.customerio.sync.UserSync;
import io.hull.customerio.sync.SyncResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperties;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The records of the Kafka transport. One record per deduplicated user message of a notification: a
 * JSON envelope with everything the consumer needs to decide and sync that user on its own (the
 * message, Hull credentials, Customer.io credentials, settings), keyed by the Customer.io site id.
 * The consumer sends each user through the same route as the direct mode (sync-user), and the sync state of a
 * poll's users is written back to Hull together.
 */
@Component("kafkaRecords")
public class KafkaRecords {

    private static final Logger log = LoggerFactory.getLogger(KafkaRecords.class);

    /** Key of the records of notifications without Customer.io credentials (the consumer skips them). */
    static final String NO_SITE = "no-site";
    static final int VERSION = 1;
    /**
     * An account's record: a version of its own, so that a consumer of a release without accounts (during a rolling
     * upgrade) dead-letters it, to be replayed, rather than taking it for a user without an id and dropping it.
     */
    static final int ACCOUNT_VERSION = 2;

    private final ObjectMapper json;
    private final SyncContexts contexts;
    private final MessageDeduplicator deduplicator;
    private final KafkaBatches batches;

    public KafkaRecords(ObjectMapper json, SyncContexts contexts, MessageDeduplicator deduplicator,
                        KafkaBatches batches) {
        this.json = json;
        this.batches = batches;
        this.contexts = contexts;
        this.deduplicator = deduplicator;
    }

    /** A record to write: its key and its value (which holds the notification's credentials: never printed). */
    public record KafkaRecord(String key, String value) {
        @Override
        public String toString() {
            return "KafkaRecord[key=" + key + ", " + value.length() + " characters]";
        }
    }

    /**
     * The records as a body for Camel's Kafka producer: a list of messages (value, {@code kafka.KEY}) is
     * sent together, and the exchange goes on once the broker acknowledged every one of them, or fails if
     * any failed. A notification's users in one go instead of one acknowledged send after the other.
     */
    public List<Message> messages(List<KafkaRecord> records, Exchange exchange) {
        List<Message> messages = new ArrayList<>(records.size());
        for (KafkaRecord record : records) {
            Message message = new DefaultMessage(exchange);
            message.setHeader(KafkaConstants.KEY, record.key());
            message.setBody(record.value());
            messages.add(message);
        }
        return messages;
    }

    /** The first message alone (a list of at most one), sent before the others. */
    public List<Message> first(@ExchangeProperty("userUpdateMessages") List<Message> messages) {
        return messages.isEmpty() ? List.of() : List.of(messages.get(0));
    }

    /** Every message but the first. */
    public List<Message> rest(@ExchangeProperty("userUpdateMessages") List<Message> messages) {
        return messages.isEmpty() ? List.of() : messages.subList(1, messages.size());
    }

    public List<KafkaRecord> userRecords(HullNotification notification) throws JsonProcessingException {
        return records(notification.notificationId(), contexts.of(notification), deduplicator.deduplicate(notification.messages()), false);
    }

    /** An account:update notification: a record per account, in the same topic (the site's partition and rate limit). */
    public List<KafkaRecord> accountRecords(HullNotification notification) throws JsonProcessingException {
        return records(notification.notificationId(), contexts.of(notification), contexts.accounts(notification), true);
    }

    public List<KafkaRecord> batchRecords(BatchChunk chunk) throws JsonProcessingException {
        return records("batch:" + chunk.job().id(), chunk.context(), chunk.messages(), chunk.job().accounts());
    }

    /** {@code accounts}: the envelope says {@code "subject": "account"}; a record without a subject is a user's. */
    private List<KafkaRecord> records(String notificationId, NotificationContext context, List<JsonNode> messages,
                                      boolean accounts) throws JsonProcessingException {
        String key = context.customerIo() == null ? NO_SITE : context.customerIo().siteId();
        List<KafkaRecord> records = new ArrayList<>();
        for (JsonNode message : messages) {
            ObjectNode envelope = json.createObjectNode();
            envelope.put("version", accounts ? ACCOUNT_VERSION : VERSION);
            envelope.put("notification_id", notificationId);
            if (accounts) {
                envelope.put("subject", "account");
            }
            envelope.set("context", json.valueToTree(context));
            envelope.set("message", message);
            records.add(new KafkaRecord(key, json.writeValueAsString(envelope)));
        }
        return records;
    }

    /** A poll of user update records; a user's records keep their order (key: the Hull user id). */
    public KafkaBatch readUserUpdates(List<Exchange> records) {
        return batches.read(records, this::userOf);
    }

    private Object userOf(Object record) {
        try {
            JsonNode envelope = json.readTree(String.valueOf(record));
            if ("account".equals(envelope.path("subject").asText())) {
                String id = envelope.path("message").path("account").path("id").asText(null);
                return id == null ? null : "account:" + id;
            }
            String id = envelope.path("message").path("user").path("id").asText(null);
            return id == null ? null : "user:" + id;
        } catch (JsonProcessingException e) {
            return null; // cannot be read: it fails on its own when its turn comes
        }
    }

    /**
     * Step {@code read-user-update} of the consumer: the record's notification message (the body route sync-user, or
     * sync-account for an account's record, takes), its context in property {@value UserSync#CONTEXT}, the route in
     * {@value UserSync#SYNC_ROUTE}.
     */
    public JsonNode toUser(@ExchangeProperty(KafkaBatches.ENTRY) KafkaBatch.Entry entry, @ExchangeProperties Map<String, Object> properties) {
        JsonNode envelope;
        try {
            envelope = json.readTree(String.valueOf(entry.value()));
        } catch (JsonProcessingException e) {
            throw new BadRecordException("not a JSON user update record" + JsonLocations.of(e));
        }
        int version = envelope == null ? 0 : envelope.path("version").asInt();
        if ((version != VERSION && version != ACCOUNT_VERSION) || !envelope.path("message").isObject()) {
            throw new BadRecordException("not a user update record of version " + VERSION + " or " + ACCOUNT_VERSION);
        }
        NotificationContext context;
        try {
            context = json.treeToValue(envelope.path("context"), NotificationContext.class);
        } catch (JsonProcessingException e) {
            throw new BadRecordException("user update record without a readable context" + JsonLocations.of(e));
        }
        properties.put(UserSync.CONTEXT, context);
        properties.put(UserSync.SYNC_ROUTE,
                "account".equals(envelope.path("subject").asText()) ? UserSync.SYNC_ACCOUNT : UserSync.SYNC_USER);
        return envelope.path("message");
    }

    /** How the user ended; "retry" (Customer.io kept failing) makes the record fail this round. */
    public void attempted(SyncResult result, @ExchangeProperty(KafkaBatches.ENTRY) KafkaBatch.Entry entry) {
        entry.result(result);
        if (result.needsRetry()) {
            entry.failed(result.detail(), false);
        }
    }

    /**
     * Step round-delivered-users: this round's users Customer.io has, whose sync state route write-sync-state
     * writes back to Hull, batched as in the direct mode.
     */
    public List<SyncResult> delivered(@ExchangeProperty(KafkaBatches.BATCH) KafkaBatch batch) {
        return deliveredEntries(batch).stream().map(entry -> (SyncResult) entry.result()).toList();
    }

    /**
     * Step round-sync-state-not-written: Hull unreachable (or anything unexpected) for the write-back: this round's
     * delivered records fail and are tried again (Customer.io calls are idempotent).
     */
    public void writeBackFailed(@ExchangeProperty(KafkaBatches.BATCH) KafkaBatch batch,
                                @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        if (SafeError.isUnexpected(failure)) {
            log.error("unexpected error while writing a round's sync state to Hull; its records are tried again", failure);
        }
        String reason = failure instanceof HullUnavailableException ? failure.getMessage()
                : "sync state not written to Hull: " + SafeError.of(failure).reason();
        deliveredEntries(batch).forEach(entry -> entry.failed(reason, false));
    }

    /** This round's records whose user Customer.io has: the ones the write-back is for. */
    private static List<KafkaBatch.Entry> deliveredEntries(KafkaBatch batch) {
        return batch.currentRound().stream()
                .filter(entry -> !entry.hasFailed() && entry.result() instanceof SyncResult).toList();
    }
}
