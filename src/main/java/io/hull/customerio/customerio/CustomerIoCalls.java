package io.hull.customerio.customerio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hull.customerio.account.AccountSync;
import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.sync.UserSync;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperties;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Headers;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The pure work of a Track API v1 call, step by step as routes {@code customerio-call} and {@code customerio-attempt}
 * run it: what to send ({@link CustomerIoCall}), the JSON body, how long an attempt may take, and what an answer
 * means. Errors never carry the API key.
 */
@Component("customerIoCalls")
public class CustomerIoCalls {

    /** Exchange property holding the {@link Deadline} of a notification's Customer.io calls. */
    public static final String DEADLINE_PROPERTY = "customerIoDeadline";
    /** Exchange property holding the call while it is attempted (the body is the request, then the answer). */
    public static final String CALL_PROPERTY = "customerIoCall";
    /** An attempt with less time than this left before the deadline is not started. */
    static final Duration MIN_ATTEMPT_TIME = Duration.ofMillis(50);
    /** Customer.io's error bodies are short; anything longer is cut in logs. */
    private static final int MAX_ERROR_BODY = 300;

    private static final Logger LOG = LoggerFactory.getLogger(CustomerIoCalls.class);

    private final ObjectMapper json;
    private final CustomerIoProperties properties;
    private final MeterRegistry meters;
    private final BatchItems batchItems;
    private final Map<CallCount, Counter> counters = new ConcurrentHashMap<>();

    public CustomerIoCalls(ObjectMapper json, CustomerIoProperties properties, MeterRegistry meters, BatchItems batchItems) {
        this.batchItems = batchItems;
        this.json = json;
        this.properties = properties;
        this.meters = meters;
    }

    /** A new deadline for one notification's calls: {@code customerio.retry.max-elapsed} from now. */
    public Deadline newDeadline() {
        return Deadline.after(properties.getRetry().getMaxElapsed());
    }

    /** Identify: one PUT of one chunk of the customer's attributes. */
    public CustomerIoCall identify(@Body Map<String, Object> attributes, @ExchangeProperty(UserSync.PROPERTY) UserSync user) {
        return new CustomerIoCall(user.context().customerIo(), "PUT", CustomerIoCall.customerPath(user.customerId()), attributes);
    }

    /** {@code POST /api/v1/merge_customers}: the person of the former id merged into the person of the current one. */
    public CustomerIoCall merge(@ExchangeProperty(UserSync.PROPERTY) UserSync user) {
        return new CustomerIoCall(user.context().customerIo(), "POST", CustomerIoCall.MERGE,
                Map.of("primary", Map.of("id", user.customerId()), "secondary", Map.of("id", user.mergedFrom())));
    }

    /** {@code POST /api/v1/customers/{id}/suppress}: the person deleted, its identifier kept from being added again. */
    public CustomerIoCall suppress(@ExchangeProperty(UserSync.PROPERTY) UserSync user) {
        return new CustomerIoCall(user.context().customerIo(), "POST", CustomerIoCall.customerPath(user.customerId()) + "/suppress", Map.of());
    }

    /** {@code POST /api/v1/customers/{id}/unsuppress}. */
    public CustomerIoCall unsuppress(@ExchangeProperty(UserSync.PROPERTY) UserSync user) {
        return new CustomerIoCall(user.context().customerIo(), "POST", CustomerIoCall.customerPath(user.customerId()) + "/unsuppress", Map.of());
    }

    public CustomerIoCall delete(@ExchangeProperty(UserSync.PROPERTY) UserSync user) {
        return new CustomerIoCall(user.context().customerIo(), "DELETE", CustomerIoCall.customerPath(user.customerId()), null);
    }

    /**
     * An object identify (a Hull account): {@code POST /api/v2/entity} with one operation; in v2-batch mode the same
     * operation is an item of the site's batch.
     */
    public CustomerIoCall identifyObject(@Body Map<String, Object> attributes, @ExchangeProperty(AccountSync.PROPERTY) AccountSync account) {
        Map<String, Object> operation = objectOperation("identify", account);
        operation.put("attributes", attributes);
        return new CustomerIoCall(account.context().customerIo(), "POST", CustomerIoCall.OBJECTS, operation);
    }

    public CustomerIoCall deleteObject(@ExchangeProperty(AccountSync.PROPERTY) AccountSync account) {
        return new CustomerIoCall(account.context().customerIo(), "POST", CustomerIoCall.OBJECTS, objectOperation("delete", account));
    }

    private static Map<String, Object> objectOperation(String action, AccountSync account) {
        Map<String, Object> operation = new LinkedHashMap<>();
        operation.put("type", "object");
        operation.put("action", action);
        operation.put("identifiers", Map.of("object_type_id", account.objectTypeId(), "object_id", account.objectId()));
        return operation;
    }

    /** A customer's event, or an anonymous one when it goes with an anonymous id (route sync-user-events). */
    public CustomerIoCall event(@Body Map<String, Object> event, @ExchangeProperty(UserSync.PROPERTY) UserSync user,
                                @ExchangeProperty(UserSync.ANONYMOUS_ID) String anonymousId) {
        String path = anonymousId != null ? CustomerIoCall.ANONYMOUS_EVENTS : CustomerIoCall.customerPath(user.customerId()) + "/events";
        return new CustomerIoCall(user.context().customerIo(), "POST", path, event);
    }

    /**
     * Step {@code customerio-request}: the call in the body becomes its request. The call goes to property
     * {@value #CALL_PROPERTY}; the headers are replaced by the method, the path (ids percent-encoded), the Basic
     * {@code Authorization}, {@code Accept} and {@code Content-Type} (nothing else of the exchange may go out as an HTTP
     * header); the payload becomes the JSON body (none for a DELETE). One bean step rather than a
     * {@code removeHeaders}, a {@code setProperty} and a {@code setHeader} per field: each step is Camel's work per
     * attempt, and {@code ${exchangeProperty.customerIoCall.path()}} is evaluated by reflection on a copy of the
     * exchange, which costs a third of a synced user's CPU (docs/benchmarks.md).
     */
    public byte[] request(@Body CustomerIoCall call, @ExchangeProperties Map<String, Object> properties,
                          @Headers Map<String, Object> headers) {
        properties.put(CALL_PROPERTY, call);
        headers.clear();
        // the enum, not its name: camel-http reads this header as HttpMethods, and Camel's String → enum conversion
        // cost 3 % of a synced user's CPU (profile, docs/benchmarks.md)
        headers.put(Exchange.HTTP_METHOD, HttpMethods.valueOf(call.method()));
        headers.put(Exchange.HTTP_PATH, call.path());
        headers.put("Authorization", call.credentials().authorization());
        headers.put("Accept", "application/json");
        headers.put(Exchange.CONTENT_TYPE, "application/json");
        if (call.payload() == null) {
            return null;
        }
        if (call.payload() instanceof BatchItems.Request batch) {
            return batch.json();
        }
        try {
            return json.writeValueAsBytes(call.payload());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the body of " + call.name() + " as JSON", e);
        }
    }

    /**
     * Step {@code attempt-timeout}: header {@value AttemptCutOff#HEADER} = the milliseconds this attempt may take,
     * what is left before the call's deadline, at most {@code customerio.request-timeout}. Too little left: not
     * sent, and not retried.
     */
    public void attemptTimeout(@ExchangeProperty(CALL_PROPERTY) CustomerIoCall call,
                               @ExchangeProperty(DEADLINE_PROPERTY) Deadline deadline, @Headers Map<String, Object> headers) {
        long millis = attemptMillis(required(deadline));
        if (millis < 0) {
            throw new CustomerIoUnavailableException(call.name() + " not sent: no time left before the notification must be answered");
        }
        headers.put(AttemptCutOff.HEADER, millis);
    }

    /** What one request may take: what is left before the deadline, at most customerio.request-timeout; -1 when too little is left. */
    long attemptMillis(Deadline deadline) {
        Duration left = deadline.remaining();
        return left.compareTo(MIN_ATTEMPT_TIME) < 0 ? -1 : Math.min(left.toMillis(), properties.getRequestTimeout().toMillis());
    }

    /**
     * The call's deadline, which every caller of route customerio-call sets (hull-notifications, hull-batch-chunk,
     * the Kafka rounds): without one a call could wait and retry for ever, so a missing one is a bug, said loudly.
     */
    static Deadline required(Deadline deadline) {
        if (deadline == null) {
            throw new IllegalStateException("route customerio-call needs exchange property " + DEADLINE_PROPERTY);
        }
        return deadline;
    }

    /**
     * What Customer.io's answer means: 2xx returns; 429 and 5xx throw {@link CustomerIoBusyException} (tried again);
     * any other status throws {@link CustomerIoRejectedException} (final). Every answer is counted in
     * {@code customerio_calls_total{method,endpoint,status}}.
     */
    public void judge(@ExchangeProperty(CALL_PROPERTY) CustomerIoCall call,
                      @Header(Exchange.HTTP_RESPONSE_CODE) int status,
                      @Header("Retry-After") String retryAfter, Message answer) {
        countCall(call, (status / 100) + "xx");
        // the answer's text is read only where it says something: a v2 batch's errors, a failure's message
        // (converting every answer's stream to text was 1 % of a synced user's CPU)
        if (status >= 200 && status < 300) {
            if (call.payload() instanceof BatchItems.Request request) {
                batchItems.answered(request, answer.getBody(String.class));
            }
            return;
        }
        String detail = call.name() + " answered " + status + errorBody(answer.getBody(String.class), call.credentials());
        if (status == 429 || status >= 500) {
            throw new CustomerIoBusyException(status, detail, Optional.ofNullable(retryAfter).flatMap(CustomerIoCalls::parseRetryAfter));
        }
        throw new CustomerIoRejectedException(status, detail);
    }

    /** {@code customerio_calls_total{method="PUT",endpoint="/api/v1/customers/{id}",status="2xx"}}: every attempt, retries included. */
    void countCall(CustomerIoCall call, String status) {
        count(call.method(), call.endpoint(), status);
    }

    /** The same count for a request that is no CustomerIoCall (the region lookup). */
    void count(String method, String endpoint, String status) {
        // kept, not looked up: the registry sorts and hashes the tags on every lookup, once per request
        counters.computeIfAbsent(new CallCount(method, endpoint, status), key -> meters.counter("customerio.calls",
                "method", key.method(), "endpoint", key.endpoint(), "status", key.status())).increment();
    }

    private record CallCount(String method, String endpoint, String status) {
    }

    /** {@code Retry-After} as delay-seconds or an HTTP date; unreadable → empty. */
    static Optional<Duration> parseRetryAfter(String value) {
        String text = value.trim();
        try {
            if (text.matches("\\d+")) {
                return Optional.of(Duration.ofSeconds(Long.parseLong(text)));
            }
            ZonedDateTime at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration until = Duration.between(ZonedDateTime.now(at.getZone()), at);
            return Optional.of(until.isNegative() ? Duration.ZERO : until);
        } catch (NumberFormatException | DateTimeParseException e) {
            LOG.debug("ignoring unreadable Retry-After '{}'", text);
            return Optional.empty();
        }
    }

    /** Customer.io's message, shortened, and with the key removed in case an error echoes it. */
    private static String errorBody(String body, CustomerIoCredentials credentials) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String text = body.replace(credentials.apiKey(), "***").replaceAll("\\s+", " ").trim();
        return ": " + (text.length() > MAX_ERROR_BODY ? text.substring(0, MAX_ERROR_BODY) + "…" : text);
    }
}
