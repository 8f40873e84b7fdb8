package io.hull.customerio.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Customer.io's Track API v1 as the connector calls it, on a local port, for tests and benchmarks that
 * need volume (WireMock records far more per request and costs far more CPU per request).
 *
 * <ul>
 *   <li>Answers the calls of the contract like Customer.io: {@code PUT|DELETE /api/v1/customers/{id}},
 *       {@code POST /api/v1/customers/{id}/events}, {@code POST /api/v1/events} → 200 {@code {}};
 *       {@code GET /api/v1/accounts/region} → 200 with the region; no or malformed Basic auth → 401;
 *       a body that is not a JSON object → 400; anything else → 404.</li>
 *   <li>Answers Track API v2's {@code POST /api/v2/batch} like Customer.io: a request over 500 KB → 413; a body that is
 *       not {@code {"batch":[...]}} → 400; each item checked on its own (at most 32 KB; {@code type} person;
 *       {@code action} identify, delete, event, page or screen; exactly one identifier of {@code id}, {@code email},
 *       {@code cio_id}, or for an event, page or screen {@code anonymous_id}; a {@code name} for an event, page or
 *       screen; {@code attributes} an object when present): all valid → 200 {@code {}}, else 207
 *       {@code {"errors":[{"batch_index","reason","field","message"}]}} and the others accepted
 *       ({@link #batchItems()}, {@link #identifiesOf(String)}).</li>
 *   <li>Stands in for Hull's firehose too: {@code POST /} → 200 {@code {}}, counted apart
 *       ({@link #firehoseRequests()}, {@link #firehoseEntries()}).</li>
 *   <li>Records every Track API request: arrival time ({@link System#nanoTime()}), method, path, site id
 *       (from the Basic auth) and the status it was answered; also the most requests ever in flight.</li>
 *   <li>Misbehaves on demand ({@link Behaviour}): a rate limit per site over any sliding one-second
 *       window of accepted arrivals (429 with {@code Retry-After}), extra latency, and every n-th request
 *       answered with a given status (5xx, or 429 with or without {@code Retry-After}).</li>
 * </ul>
 * Thread-safe; the behaviour can be changed while requests are served.
 */
public final class CustomerIoSimulator implements AutoCloseable {

    static {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet Nagle's algorithm and the
        // client's delayed ACK: 40 ms per keep-alive request. Must be set before the server classes load.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private static final Pattern CUSTOMER = Pattern.compile("^/api/v1/customers/([^/]+)$");
    private static final String BATCH = "/api/v2/batch";
    private static final Pattern CUSTOMER_EVENTS = Pattern.compile("^/api/v1/customers/([^/]+)/events$");
    private static final byte[] OK = "{}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] REGION = "{\"url\":\"https://track.customer.io\",\"data_center\":\"us\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] UNAUTHORIZED = "{\"meta\":{\"error\":\"Unauthorized request\"}}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NOT_FOUND = "{\"meta\":{\"error\":\"not found\"}}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BAD_JSON = "{\"meta\":{\"error\":\"invalid JSON body\"}}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TOO_MANY = "{\"meta\":{\"error\":\"Too many requests\"}}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TOO_LARGE = "{\"meta\":{\"error\":\"request too large\"}}".getBytes(StandardCharsets.UTF_8);
    /** Customer.io's limits of {@code POST /api/v2/batch}. */
    public static final int MAX_BATCH_BYTES = 500 * 1024;
    public static final int MAX_ITEM_BYTES = 32 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] SERVER_ERROR = "{\"meta\":{\"error\":\"internal server error\"}}".getBytes(StandardCharsets.UTF_8);

    /**
     * How the simulator misbehaves. {@code rateLimit}: most accepted requests per site in any sliding
     * one-second window, 0 for none; {@code retryAfterSeconds}: sent with every 429 (the rate limit's and
     * the injected ones), negative for no header; {@code latency}: added to every Track API answer;
     * {@code failEvery}/{@code failStatus}: every {@code failEvery}-th Track API request (0: none) is
     * answered {@code failStatus}.
     */
    public record Behaviour(int rateLimit, int retryAfterSeconds, Duration latency, int failEvery, int failStatus,
                            String refusedIdentifier) {

        public Behaviour(int rateLimit, int retryAfterSeconds, Duration latency, int failEvery, int failStatus) {
            this(rateLimit, retryAfterSeconds, latency, failEvery, failStatus, null);
        }

        public static Behaviour normal() {
            return new Behaviour(0, 1, Duration.ZERO, 0, 0);
        }

        /** v2 batch items whose identifier contains {@code needle} are refused (in the 207's errors). */
        public Behaviour refusingIdentifiersWith(String needle) {
            return new Behaviour(rateLimit, retryAfterSeconds, latency, failEvery, failStatus, needle);
        }

        public Behaviour withRateLimit(int perSecond, int retryAfterSeconds) {
            return new Behaviour(perSecond, retryAfterSeconds, latency, failEvery, failStatus, refusedIdentifier);
        }

        public Behaviour withLatency(Duration latency) {
            return new Behaviour(rateLimit, retryAfterSeconds, latency, failEvery, failStatus, refusedIdentifier);
        }

        /** Every {@code n}-th Track API request is answered {@code status} (with {@code Retry-After} if 429 and set). */
        public Behaviour failingEvery(int n, int status) {
            return new Behaviour(rateLimit, retryAfterSeconds, latency, n, status, refusedIdentifier);
        }

        public Behaviour withRetryAfter(int seconds) {
            return new Behaviour(rateLimit, seconds, latency, failEvery, failStatus, refusedIdentifier);
        }
    }

    /** One Track API request as it arrived and as it was answered. */
    public record Request(long arrivalNanos, String method, String path, String siteId, int status, int bytes) {
    }

    private final HttpServer server;
    private final ExecutorService handlers;
    private volatile Behaviour behaviour = Behaviour.normal();
    private volatile boolean recording = true;
    private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
    private final AtomicLong trackRequests = new AtomicLong();
    private final AtomicLong firehoseRequests = new AtomicLong();
    private final AtomicLong firehoseEntries = new AtomicLong();
    private final AtomicLong handlerFailures = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final ConcurrentMap<String, ArrayDeque<Long>> acceptedArrivals = new ConcurrentHashMap<>();
    private volatile byte[] lastIdentifyBody;
    private final ConcurrentMap<String, AtomicLong> acceptedItems = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicLong> identifies = new ConcurrentHashMap<>();
    private final AtomicLong refusedItems = new AtomicLong();

    private CustomerIoSimulator(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        // latency is simulated by sleeping in the handler: a thread per request in flight
        handlers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "customerio-simulator");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    /** On a free port. */
    public static CustomerIoSimulator start() {
        return start(0);
    }

    public static CustomerIoSimulator start(int port) {
        try {
            return new CustomerIoSimulator(port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Customer.io simulator on port " + port, e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public CustomerIoSimulator behave(Behaviour behaviour) {
        this.behaviour = behaviour;
        return this;
    }

    public Behaviour behaviour() {
        return behaviour;
    }

    /** Off: requests are only counted (for runs of millions of requests). On by default. */
    public CustomerIoSimulator recording(boolean on) {
        this.recording = on;
        return this;
    }

    /** Forgets every request, count and rate-limit window; the behaviour stays. */
    public void reset() {
        requests.clear();
        trackRequests.set(0);
        firehoseRequests.set(0);
        firehoseEntries.set(0);
        maxInFlight.set(inFlight.get());
        acceptedArrivals.clear();
        acceptedItems.clear();
        identifies.clear();
        refusedItems.set(0);
    }

    /** The recorded Track API requests, in no guaranteed order (sort by {@link Request#arrivalNanos()}). */
    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    public long trackRequests() {
        return trackRequests.get();
    }

    public long firehoseRequests() {
        return firehoseRequests.get();
    }

    /** Entries ({@code "type":"traits"|"track"}) of every firehose batch received. */
    public long firehoseEntries() {
        return firehoseEntries.get();
    }

    /** The most Track API requests ever handled at once since the last {@link #reset()}. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** Items of v2 batches accepted, by action ({@code identify}, {@code delete}, {@code event}, {@code page}...). */
    public java.util.Map<String, Long> batchItems() {
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        acceptedItems.forEach((action, n) -> counts.put(action, n.get()));
        return counts;
    }

    /** Items of v2 batches refused (answered in a 207's errors). */
    public long refusedBatchItems() {
        return refusedItems.get();
    }

    /** Identify items accepted for this identifier value (v2 batches) or PUTs answered 200 to its path (v1). */
    public long identifiesOf(String identifier) {
        AtomicLong n = identifies.get(identifier);
        return n == null ? 0 : n.get();
    }

    /** The body of the last identify call received, to replay the very same PUTs. */
    public byte[] lastIdentifyBody() {
        return lastIdentifyBody;
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }

    /** Requests the simulator failed to answer (an exception in the handler); each one's cause is printed. */
    public long handlerFailures() {
        return handlerFailures.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            serve(exchange);
        } catch (IOException | RuntimeException | Error e) {
            handlerFailures.incrementAndGet();
            System.err.println("customerio-simulator: " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + " not answered: " + e);
            throw e;
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            long arrival = System.nanoTime();
            byte[] body = readBody(exchange.getRequestBody());
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            if ("/".equals(path) && "POST".equals(method)) {
                firehoseRequests.incrementAndGet();
                firehoseEntries.addAndGet(count(body, "\"type\":"));
                answer(exchange, 200, OK);
                return;
            }
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                track(exchange, arrival, method, path, body);
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    private void track(HttpExchange exchange, long arrival, String method, String path, byte[] body) throws IOException {
        long sequence = trackRequests.incrementAndGet();
        Behaviour current = behaviour;
        String siteId = siteId(exchange.getRequestHeaders().getFirst("Authorization"));
        int status;
        byte[] answer;
        if (siteId == null) {
            status = 401;
            answer = UNAUTHORIZED;
        } else if (!knownCall(method, path)) {
            status = 404;
            answer = NOT_FOUND;
        } else if (BATCH.equals(path) && body.length > MAX_BATCH_BYTES) {
            status = 413;
            answer = TOO_LARGE;
        } else if (("PUT".equals(method) || "POST".equals(method)) && !isJsonObject(body)) {
            status = 400;
            answer = BAD_JSON;
        } else if (current.failEvery() > 0 && sequence % current.failEvery() == 0) {
            status = current.failStatus();
            answer = status == 429 ? TOO_MANY : SERVER_ERROR;
        } else if (!withinRateLimit(siteId, arrival, current.rateLimit())) {
            status = 429;
            answer = TOO_MANY;
        } else if (BATCH.equals(path)) {
            byte[] errors = batch(body, current.refusedIdentifier());
            status = errors == null ? 400 : errors.length == 0 ? 200 : 207;
            answer = errors == null ? BAD_JSON : errors.length == 0 ? OK : errors;
        } else {
            status = 200;
            answer = path.endsWith("/region") ? REGION : OK;
            if ("PUT".equals(method)) {
                lastIdentifyBody = body;
                java.util.regex.Matcher customer = CUSTOMER.matcher(path);
                if (customer.matches()) {
                    identifies.computeIfAbsent(java.net.URLDecoder.decode(customer.group(1), StandardCharsets.UTF_8),
                            id -> new AtomicLong()).incrementAndGet();
                }
            }
        }
        if (recording) {
            requests.add(new Request(arrival, method, path, siteId, status, body.length));
        }
        if (!current.latency().isZero()) {
            sleep(current.latency());
        }
        if (status == 429 && current.retryAfterSeconds() >= 0) {
            exchange.getResponseHeaders().set("Retry-After", String.valueOf(current.retryAfterSeconds()));
        }
        answer(exchange, status, answer);
    }

    private static boolean knownCall(String method, String path) {
        return switch (method) {
            case "PUT", "DELETE" -> CUSTOMER.matcher(path).matches();
            case "POST" -> "/api/v1/events".equals(path) || BATCH.equals(path) || CUSTOMER_EVENTS.matcher(path).matches();
            case "GET" -> "/api/v1/accounts/region".equals(path);
            default -> false;
        };
    }

    /**
     * A v2 batch's items checked one by one; the valid ones are counted as accepted. The errors' JSON ({@code {}}-less
     * empty array when all are valid), or {@code null} when the body is not {@code {"batch":[...]}}.
     */
    private byte[] batch(byte[] body, String refusedIdentifier) {
        JsonNode items;
        try {
            items = JSON.readTree(body).get("batch");
        } catch (IOException e) {
            return null;
        }
        if (items == null || !items.isArray()) {
            return null;
        }
        ArrayNode errors = JSON.createArrayNode();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String[] refusal = refusal(item);
            if (refusal == null && refusedIdentifier != null && item.path("identifiers").toString().contains(refusedIdentifier)) {
                refusal = new String[] {"invalid", "identifiers", "refused on purpose by the simulator"};
            }
            if (refusal != null) {
                refusedItems.incrementAndGet();
                errors.addObject().put("batch_index", i).put("reason", refusal[0]).put("field", refusal[1])
                        .put("message", refusal[2]);
                continue;
            }
            String action = item.path("action").asText();
            acceptedItems.computeIfAbsent(action, a -> new AtomicLong()).incrementAndGet();
            if ("identify".equals(action)) {
                JsonNode ids = item.path("identifiers");
                String id = ids.has("id") ? ids.get("id").asText() : ids.has("email") ? ids.get("email").asText() : ids.path("cio_id").asText();
                identifies.computeIfAbsent(id, key -> new AtomicLong()).incrementAndGet();
            }
        }
        if (errors.isEmpty()) {
            return new byte[0];
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.set("errors", errors);
        return answer.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {reason, field, message} when Customer.io would refuse this item, else null. */
    private static String[] refusal(JsonNode item) {
        if (item.toString().getBytes(StandardCharsets.UTF_8).length > MAX_ITEM_BYTES) {
            return new String[] {"invalid", "", "the item is larger than 32 KB"};
        }
        if (!"person".equals(item.path("type").asText())) {
            return new String[] {"invalid", "type", "type must be person"};
        }
        String action = item.path("action").asText();
        if (!List.of("identify", "delete", "event", "page", "screen").contains(action)) {
            return new String[] {"invalid", "action", "unknown action"};
        }
        boolean named = !"identify".equals(action) && !"delete".equals(action);
        JsonNode ids = item.path("identifiers");
        int given = 0;
        for (String key : List.of("id", "email", "cio_id")) {
            if (ids.hasNonNull(key) && !ids.get(key).asText().isEmpty()) {
                given++;
            }
        }
        boolean anonymous = named && ids.hasNonNull("anonymous_id") && !ids.get("anonymous_id").asText().isEmpty();
        if (given != 1 && !(given == 0 && anonymous)) {
            return new String[] {"required", "identifiers", "exactly one of id, email or cio_id is required"};
        }
        if (named && item.path("name").asText().isEmpty()) {
            return new String[] {"required", "name", "name is required"};
        }
        if (item.has("attributes") && !item.get("attributes").isObject()) {
            return new String[] {"invalid", "attributes", "attributes must be an object"};
        }
        return null;
    }

    /** Sliding window of the arrivals this site was served; the refused ones do not take a place. */
    private boolean withinRateLimit(String siteId, long arrival, int limit) {
        if (limit <= 0) {
            return true;
        }
        ArrayDeque<Long> window = acceptedArrivals.computeIfAbsent(siteId, id -> new ArrayDeque<>());
        synchronized (window) {
            long windowStart = arrival - TimeUnit.SECONDS.toNanos(1);
            while (!window.isEmpty() && window.peekFirst() - windowStart <= 0) {
                window.pollFirst();
            }
            if (window.size() >= limit) {
                return false;
            }
            window.addLast(arrival);
            return true;
        }
    }

    /** The site id of {@code Basic base64(site_id:api_key)}, or null when that is not what was sent. */
    static String siteId(String authorization) {
        if (authorization == null || !authorization.startsWith("Basic ")) {
            return null;
        }
        try {
            String pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon > 0 && colon < pair.length() - 1 ? pair.substring(0, colon) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Enough of a check for a stand-in: a body that starts with '{' and ends with '}'. */
    private static boolean isJsonObject(byte[] body) {
        int start = 0;
        int end = body.length - 1;
        while (start <= end && Character.isWhitespace(body[start])) {
            start++;
        }
        while (end >= start && Character.isWhitespace(body[end])) {
            end--;
        }
        return start < end && body[start] == '{' && body[end] == '}';
    }

    private static int count(byte[] body, String needle) {
        Matcher matcher = Pattern.compile(Pattern.quote(needle)).matcher(new String(body, StandardCharsets.UTF_8));
        int n = 0;
        while (matcher.find()) {
            n++;
        }
        return n;
    }

    private static byte[] readBody(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void sleep(Duration latency) {
        try {
            Thread.sleep(latency.toMillis(), latency.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
