package io.hull.customerio.customerio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hull.customerio.account.AccountRelationships;
import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.sync.UserSync;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code customerio.api=v2-batch}: the steps of routes {@code customerio-batch-item}, {@code customerio-batches} and
 * {@code customerio-send-batch} (routes/customerio-batch.yaml). A Track API v1 call of a user (identify, delete,
 * event) becomes an item of {@code POST /api/v2/batch}; the items of one site are gathered (Camel's Aggregator) and
 * sent together, with the same rate limit, deadline and retries as a v1 call; each user waits for its own items'
 * outcomes: accepted, refused (a 207's error for its index: final, like a v1 4xx) or not delivered (retried by Hull).
 */
@Component("customerIoBatchItems")
public class BatchItems {

    /** Exchange property of route customerio-batch-item: the call's {@link Ticket}. */
    public static final String TICKET = "customerIoBatchTicket";

    /**
     * One item on its way: its JSON ({@code item}), which site's request it goes in ({@code siteKey}: the site id and a
     * hash of the key, never the key), and what its caller waits for.
     */
    public record Ticket(CustomerIoCredentials credentials, String siteKey, String name, byte[] item, Deadline deadline,
                         CompletableFuture<Void> outcome) {
    }

    /** The body of a batch request as sent, and what Customer.io said of its items (route customerio-attempt's judge). */
    public static final class Request {
        private final byte[] json;
        private final int items;
        private volatile JsonNode errors;

        Request(byte[] json, int items) {
            this.json = json;
            this.items = items;
        }

        public byte[] json() {
            return json;
        }

        /** How many items the batch holds: one that keeps failing is split when it holds more than one. */
        public int items() {
            return items;
        }

        void answered(JsonNode errors) {
            this.errors = errors;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(BatchItems.class);

    private final ObjectMapper json;
    private final CustomerIoProperties.Batch settings;
    private final Counter splits;

    public BatchItems(ObjectMapper json, CustomerIoProperties customerIo, MeterRegistry meters) {
        this.json = json;
        this.settings = customerIo.getBatch();
        this.splits = Counter.builder("customerio.batch.splits")
                .description("v2 batch requests that kept failing and were sent again as two smaller batches")
                .register(meters);
    }

    /**
     * Step batch-item-ticket: the v1 call as a v2 item. An item over Customer.io's 32 KB is refused here, alone
     * (CustomerIoRejectedException): it would make Customer.io refuse it, and it must not hold a batch back.
     */
    public Ticket ticket(@Body CustomerIoCall call, @ExchangeProperty(UserSync.PROPERTY) UserSync user,
                         @ExchangeProperty(CustomerIoCalls.DEADLINE_PROPERTY) Deadline deadline) {
        Map<String, Object> item = item(call, user);
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(item);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the batch item of " + call.name() + " as JSON", e);
        }
        String name = item.get("action") + " of " + call.path();
        if (bytes.length > CustomerIoProperties.Batch.MAX_ITEM_BYTES.toBytes()) {
            throw new CustomerIoRejectedException(413, name + " not sent: its batch item is " + bytes.length
                    + " bytes, over Customer.io's 32 KB per item");
        }
        CustomerIoCredentials credentials = call.credentials();
        String siteKey = credentials.siteId() + "/" + Integer.toHexString(credentials.apiKey().hashCode());
        return new Ticket(credentials, siteKey, name, bytes, CustomerIoCalls.required(deadline), new CompletableFuture<>());
    }

    /**
     * The v2 item of a v1 call: {@code identify} (attributes), {@code delete}, {@code event} or {@code page} (the v1
     * {@code data} as {@code attributes}, the ULID {@code id}, unix {@code timestamp}); identified by {@code email}
     * when user_id_mapping is email, else by {@code id}; an anonymous event by {@code anonymous_id}.
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> item(CustomerIoCall call, UserSync user) {
        Map<String, Object> payload = call.payload() instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        if (CustomerIoCall.OBJECTS.equals(call.path())) {
            // an object's operation is already a v2 item
            return payload;
        }
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("type", "person");
        if (CustomerIoCall.MERGE.equals(call.path())) {
            // sent once the new person's identify was accepted (its caller waits for it); primary and secondary as v1's
            item.put("action", "merge");
            item.putAll(payload);
            return item;
        }
        boolean anonymous = CustomerIoCall.ANONYMOUS_EVENTS.equals(call.path());
        Map<String, Object> identifiers = new LinkedHashMap<>();
        if (anonymous) {
            identifiers.put("anonymous_id", payload.get("anonymous_id"));
        } else {
            boolean byEmail = "email".equals(user.settings().userIdMapping());
            identifiers.put(byEmail ? "email" : "id", user.customerId());
        }
        if (CustomerIoCall.isSuppression(call.path())) {
            item.put("action", call.path().endsWith("/unsuppress") ? "unsuppress" : "suppress");
            item.put("identifiers", identifiers);
            return item;
        }
        switch (call.method()) {
            case "PUT" -> {
                // v1's cio_relationships {action, relationships} → v2's relationships beside the attributes
                Map<String, Object> attributes = new LinkedHashMap<>(payload);
                Map<String, Object> relationships = (Map<String, Object>) attributes.remove(AccountRelationships.PAYLOAD_KEY);
                boolean removal = relationships != null && "delete_relationships".equals(relationships.get("action"));
                item.put("action", removal ? "delete_relationships" : "identify");
                item.put("identifiers", identifiers);
                if (!removal) {
                    item.put("attributes", attributes);
                }
                if (relationships != null) {
                    item.put(AccountRelationships.PAYLOAD_KEY, relationships.get("relationships"));
                }
            }
            case "DELETE" -> {
                item.put("action", "delete");
                item.put("identifiers", identifiers);
            }
            default -> {
                item.put("action", "page".equals(payload.get("type")) ? "page" : "event");
                item.put("identifiers", identifiers);
                item.put("name", payload.get("name"));
                if (payload.get("id") != null) {
                    item.put("id", payload.get("id"));
                }
                if (payload.get("timestamp") != null) {
                    item.put("timestamp", payload.get("timestamp"));
                }
                item.put("attributes", payload.getOrDefault("data", Map.of()));
            }
        }
        return item;
    }

    /** The earliest deadline of the batch's items: the request's, so no item waits past its own. */
    public Deadline deadline(@Body List<Ticket> batch) {
        return batch.stream().map(Ticket::deadline).min((a, b) -> Long.compare(a.nanoTime(), b.nanoTime())).orElseThrow();
    }

    /** Step batch-request: {@code POST /api/v2/batch} of the batch's items, as a Customer.io call of its site. */
    public CustomerIoCall request(@Body List<Ticket> batch) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(batch.stream().mapToInt(t -> t.item().length + 1).sum() + 16);
        body.writeBytes("{\"batch\":[".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (int i = 0; i < batch.size(); i++) {
            if (i > 0) {
                body.write(',');
            }
            body.writeBytes(batch.get(i).item());
        }
        body.writeBytes("]}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new CustomerIoCall(batch.get(0).credentials(), "POST", "/api/v2/batch", new Request(body.toByteArray(), batch.size()));
    }

    /**
     * Step settle-batch-items: after a 2xx, each item whose index is in the answer's {@code errors} was refused
     * (final, with Customer.io's reason); the others were accepted.
     */
    public void settle(@ExchangeProperty("customerIoBatch") List<Ticket> batch, @Body CustomerIoCall call) {
        Map<Integer, String> refused = new LinkedHashMap<>();
        JsonNode errors = call.payload() instanceof Request request ? request.errors : null;
        if (errors != null) {
            for (JsonNode error : errors) {
                int index = error.path("batch_index").asInt(-1);
                if (index >= 0 && index < batch.size()) {
                    refused.merge(index, reason(error), (a, b) -> a + "; " + b);
                }
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            Ticket ticket = batch.get(i);
            String reason = refused.get(i);
            if (reason == null) {
                ticket.outcome().complete(null);
            } else {
                ticket.outcome().completeExceptionally(new CustomerIoRejectedException(207,
                        ticket.name() + " refused by Customer.io: " + reason));
            }
        }
    }

    /**
     * Step batch-in-halves: a batch that kept failing (or was refused whole) as two batches, its first and its second
     * half, each then sent with retries of its own. A half that keeps failing is split again, down to single items,
     * within the items' deadline and the site's rate limit; so an item that makes its batch fail fails alone.
     */
    public List<List<Ticket>> halves(@ExchangeProperty("customerIoBatch") List<Ticket> batch,
                                     @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        int half = batch.size() / 2;
        List<List<Ticket>> halves = List.of(List.copyOf(batch.subList(0, half)), List.copyOf(batch.subList(half, batch.size())));
        splits.increment();
        LOG.info("a v2 batch of site {} keeps failing ({}); its {} items are sent again as batches of {} and {}",
                batch.get(0).credentials().siteId(), failure.getMessage(), batch.size(), half, batch.size() - half);
        return halves;
    }

    /** Step batch-failed: the request was not delivered (or refused whole): every item of it ends so. */
    public void failed(@ExchangeProperty("customerIoBatch") List<Ticket> batch,
                       @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        RuntimeException cause = failure instanceof RuntimeException runtime ? runtime
                : new CustomerIoUnavailableException("POST /api/v2/batch failed: " + failure, failure);
        batch.forEach(ticket -> ticket.outcome().completeExceptionally(cause));
    }

    /** Called by the judge of route customerio-attempt for a 2xx of a batch: Customer.io's errors, if any. */
    void answered(Request request, String body) {
        if (body == null || body.isBlank()) {
            return;
        }
        try {
            JsonNode errors = json.readTree(body).path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                request.answered(errors);
            }
        } catch (JsonProcessingException e) {
            // a 2xx whose body is not JSON says nothing of single items: all were accepted
        }
    }

    private static String reason(JsonNode error) {
        List<String> parts = new ArrayList<>();
        for (String key : List.of("reason", "field", "message")) {
            String value = error.path(key).asText("");
            if (!value.isBlank()) {
                parts.add(key.equals("field") ? "field " + value : value);
            }
        }
        return parts.isEmpty() ? "no reason given" : String.join(", ", parts);
    }

    /** The most a batch holds: {@code customerio.batch.max-bytes}, at most Customer.io's 500 KB. */
    public long maxBytes() {
        return Math.min(settings.getMaxBytes().toBytes(), CustomerIoProperties.Batch.MAX_BYTES.toBytes());
    }
}
