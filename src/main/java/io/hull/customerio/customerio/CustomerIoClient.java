package io.hull.customerio.customerio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.errors.NetworkErrors;
import io.hull.customerio.sync.UserSyncTask;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.net.ProxySelector;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.ExchangeProperty;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.SystemDefaultRoutePlanner;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.ParseException;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The Customer.io Track API v1 calls the connector makes. A plain HTTP client, not a Camel endpoint:
 * exact control of the path encoding, timeouts on every call, and no Camel header can leak into a request.
 * Errors never carry the API key.
 *
 * <p>Apache's classic (blocking) client, which does the whole call on the calling thread; the JDK's
 * HttpClient, used before, hands every response through a selector thread and a worker thread of its own,
 * and on 2 cores that cost twice the CPU per request: this is the call made for every user synced
 * (docs/benchmarks.md, item 7). Its own retries, redirects and cookies are off: this class retries, within
 * the site's rate limit and the notification's deadline.
 *
 * <p>Every request, retries included, first takes a slot of its site's {@link SiteRateLimiter}.
 * 429, 5xx, timeouts and refused connections are retried with exponential backoff and jitter; a
 * {@code Retry-After} pauses the whole site. Retries stop at {@code customerio.retry.max-attempts}
 * or at the call's {@link Deadline} (the notification's, set by the route as exchange property
 * {@value #DEADLINE_PROPERTY}; else {@code customerio.retry.max-elapsed} from the call), and the last
 * failure is thrown as {@link CustomerIoUnavailableException} so Hull is asked to retry.
 */
@Component("customerIoClient")
public class CustomerIoClient {

    /** Customer.io's error bodies are short; anything longer is cut in logs. */
    private static final int MAX_ERROR_BODY = 300;
    /** Exchange property holding the user's {@link UserSyncTask} while its attribute chunks are sent. */
    public static final String TASK_PROPERTY = "userTask";
    /** Exchange property holding the {@link Deadline} of a notification's Customer.io calls. */
    public static final String DEADLINE_PROPERTY = "customerIoDeadline";
    /** An attempt with less time than this left before the deadline is not started. */
    private static final Duration MIN_ATTEMPT_TIME = Duration.ofMillis(50);

    private static final Logger LOG = LoggerFactory.getLogger(CustomerIoClient.class);
    /**
     * Connections kept per Customer.io host. The calling threads (the user split's pool, Kafka consumers) bound
     * how many calls are in flight; the pool must not be the bound (Apache's default is 5 per host).
     */
    private static final int MAX_CONNECTIONS = 200;
    private static final ContentType JSON = ContentType.create("application/json");

    private final CloseableHttpClient http;
    /** Cancels a call still running when its time is up (see {@link #attempt}). */
    private final ScheduledThreadPoolExecutor cutOffs;
    private final ObjectMapper json;
    private final CustomerIoProperties properties;
    private final SiteRateLimiter rateLimiter;
    private final MeterRegistry meters;
    private final String trackUrl;

    public CustomerIoClient(ObjectMapper json, CustomerIoProperties properties, SiteRateLimiter rateLimiter,
                            MeterRegistry meters) {
        this.json = json;
        this.properties = properties;
        this.rateLimiter = rateLimiter;
        this.meters = meters;
        this.trackUrl = properties.getTrackUrl().replaceAll("/+$", "");
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(MAX_CONNECTIONS)
                        .setMaxConnPerRoute(MAX_CONNECTIONS)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(properties.getConnectTimeout()))
                                // every read, the TLS handshake's included; a call's answer has its own, shorter one
                                .setSocketTimeout(Timeout.of(properties.getRequestTimeout()))
                                // a connection idle for a second is checked before it is used again: Customer.io
                                // (or a proxy) may have closed it, and a request on it would fail for nothing
                                .setValidateAfterInactivity(TimeValue.ofSeconds(1))
                                // and none is used for ever, so a change of Customer.io's addresses is followed
                                .setTimeToLive(TimeValue.ofMinutes(5))
                                .build())
                        .setDefaultTlsConfig(TlsConfig.custom()
                                .setHandshakeTimeout(Timeout.of(properties.getConnectTimeout()))
                                .build())
                        .build())
                // the JVM's proxy settings (https.proxyHost, http.nonProxyHosts, ...), as the JDK client followed them
                .setRoutePlanner(new SystemDefaultRoutePlanner(ProxySelector.getDefault()))
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .build();
        this.cutOffs = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "customerio-call-cut-off");
            thread.setDaemon(true);
            return thread;
        });
        cutOffs.setRemoveOnCancelPolicy(true); // a call answered in time leaves nothing behind
    }

    @PreDestroy
    public void close() throws IOException {
        cutOffs.shutdownNow();
        http.close();
    }

    /** A new deadline for one notification's calls: {@code customerio.retry.max-elapsed} from now. */
    public Deadline newDeadline() {
        return Deadline.after(properties.getRetry().getMaxElapsed());
    }

    /**
     * Identify: one PUT of one chunk of the customer's attributes (route customerio-user-sync splits the
     * task's chunks, in order, and stops at the first failure).
     */
    public void identify(Map<String, Object> attributes, @ExchangeProperty(TASK_PROPERTY) UserSyncTask task,
                         @ExchangeProperty(DEADLINE_PROPERTY) Deadline deadline) {
        send(task.context().customerIo(), "PUT", customerPath(task.customerId()), attributes, deadline);
    }

    public void delete(UserSyncTask task, @ExchangeProperty(DEADLINE_PROPERTY) Deadline deadline) {
        send(task.context().customerIo(), "DELETE", customerPath(task.customerId()), null, deadline);
    }

    /** Customer event or anonymous event, with its deterministic {@code id}. */
    public void sendEvent(EventCall event, @ExchangeProperty(DEADLINE_PROPERTY) Deadline deadline) {
        send(event.credentials(), "POST", event.path(), event.payload(), deadline);
    }

    /** {@code /api/v1/customers/{id}} with the id percent-encoded ({@code @} → {@code %40}, {@code /} → {@code %2F}, space → {@code %20}). */
    public static String customerPath(String customerId) {
        return "/api/v1/customers/" + URLEncoder.encode(customerId, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * One call, retried as the class comment says. Returns on 2xx; throws
     * {@link CustomerIoRejectedException} for a final 4xx, {@link CustomerIoUnavailableException}
     * once retrying is over.
     */
    void send(CustomerIoCredentials credentials, String method, String path, Object body, Deadline callDeadline) {
        Deadline deadline = callDeadline != null ? callDeadline : newDeadline();
        CustomerIoProperties.Retry retry = properties.getRetry();
        String call = method + " " + path;
        byte[] payload = body == null ? null : toJson(body);
        for (int attempt = 1; ; attempt++) {
            Failure failure = throttledAttempt(credentials, method, path, payload, call, deadline);
            if (failure == null) {
                return;
            }
            String tried = " (attempt " + attempt + ")";
            if (failure.retryAfter().isPresent()) {
                // The site asked for a pause: every thread sending to it waits, not just this one.
                rateLimiter.pause(credentials.siteId(), failure.retryAfter().get());
            }
            if (attempt >= retry.getMaxAttempts()) {
                throw failure.exception(tried + ", no attempts left");
            }
            Duration wait = failure.retryAfter().isPresent() ? failure.retryAfter().get() : backoff(attempt);
            if (deadline.remaining().compareTo(wait.plus(MIN_ATTEMPT_TIME)) < 0) {
                throw failure.exception(tried + ", no time left to retry before the notification must be answered");
            }
            meters.counter("customerio.retries", "reason", failure.reason()).increment();
            LOG.debug("{} failed{}: {}; retrying in {} ms", call, tried, failure.exception("").getMessage(), wait.toMillis());
            if (failure.retryAfter().isEmpty()) {
                sleep(wait, call);
            } // else: the rate limiter holds every request to the site until the pause is over
        }
    }

    /** One request in a rate-limit slot; {@code null} on 2xx, the failure when it may be retried. */
    private Failure throttledAttempt(CustomerIoCredentials credentials, String method, String path, byte[] payload,
                            String call, Deadline deadline) {
        SiteRateLimiter.Permit permit;
        try {
            permit = rateLimiter.acquire(credentials.siteId(), deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CustomerIoUnavailableException(call + " was interrupted", e);
        }
        if (permit == null) {
            throw new CustomerIoUnavailableException(call + " not sent: the site's rate limit has no slot left"
                    + " before the notification must be answered");
        }
        try (permit) {
            return attempt(credentials, method, path, payload, call, deadline);
        }
    }

    private Failure attempt(CustomerIoCredentials credentials, String method, String path, byte[] payload,
                            String call, Deadline deadline) {
        Duration timeout = deadline.remaining();
        if (timeout.compareTo(MIN_ATTEMPT_TIME) < 0) {
            throw new CustomerIoUnavailableException(call + " not sent: no time left before the notification must be answered");
        }
        if (timeout.compareTo(properties.getRequestTimeout()) > 0) {
            timeout = properties.getRequestTimeout();
        }
        HttpUriRequestBase request = new HttpUriRequestBase(method, URI.create(trackUrl + path));
        request.setHeader("Authorization", credentials.authorization());
        request.setHeader("Accept", "application/json");
        if (payload != null) {
            request.setEntity(new ByteArrayEntity(payload, JSON));
        }
        HttpClientContext context = HttpClientContext.create();
        context.setRequestConfig(timeouts(timeout));
        // Apache's timeouts are per step (a pooled connection, connecting, each read); the call as a whole is held
        // to `timeout`, as the JDK client's request timeout held it, by cancelling it then.
        ScheduledFuture<?> cutOff = cutOffs.schedule(request::cancel, timeout.toNanos(), TimeUnit.NANOSECONDS);
        Response response;
        try {
            response = http.execute(request, context, Response::of);
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                // stopping: Apache's client answers an interrupt with an IOException; not a failure to retry
                throw new CustomerIoUnavailableException(call + " was interrupted", e);
            }
            countCall(method, path, "unreachable");
            if (request.isCancelled() || e instanceof SocketTimeoutException) {
                return new Failure(call + " failed: no answer within " + timeout.toMillis() + " ms", e, Optional.empty(), "timeout");
            }
            // refused and reset connections, a connection closed without an answer, connect timeouts
            String detail = call + " failed: " + NetworkErrors.describe(e);
            return new Failure(detail, e, Optional.empty(), e.getClass().getSimpleName());
        } finally {
            cutOff.cancel(false);
        }
        int status = response.status();
        countCall(method, path, (status / 100) + "xx");
        if (status >= 200 && status < 300) {
            return null;
        }
        String detail = call + " answered " + status + errorBody(response.body(), credentials);
        if (status == 429 || status >= 500) {
            return new Failure(detail, null, response.retryAfter().flatMap(CustomerIoClient::parseRetryAfter),
                    String.valueOf(status));
        }
        throw new CustomerIoRejectedException(status, detail);
    }

    /** No step of a call may take longer than the call: the connect timeout too is cut to what is left. */
    @SuppressWarnings("deprecation") // per request, the connect timeout is still honoured (and the only way to lower it)
    private RequestConfig timeouts(Duration timeout) {
        Duration connect = properties.getConnectTimeout().compareTo(timeout) < 0 ? properties.getConnectTimeout() : timeout;
        return RequestConfig.custom()
                .setConnectionRequestTimeout(Timeout.of(timeout))
                .setConnectTimeout(Timeout.of(connect))
                .setResponseTimeout(Timeout.of(timeout))
                .build();
    }

    /** {@code customerio_calls_total{method="PUT",endpoint="/api/v1/customers/{id}",status="2xx"}}: every attempt, retries included. */
    private void countCall(String method, String path, String status) {
        meters.counter("customerio.calls", "method", method, "endpoint", endpointTemplate(path), "status", status).increment();
    }

    /** The path without the customer id, so metrics have a handful of series, not one per customer. */
    static String endpointTemplate(String path) {
        if (!path.startsWith("/api/v1/customers/")) {
            return path;
        }
        return path.endsWith("/events") ? "/api/v1/customers/{id}/events" : "/api/v1/customers/{id}";
    }

    /** Exponential backoff ({@code initial × 2^(attempt-1)}, at most {@code max-backoff}) with jitter: a random wait in [half, all] of it. */
    Duration backoff(int attempt) {
        CustomerIoProperties.Retry retry = properties.getRetry();
        long initial = Math.max(1, retry.getInitialBackoff().toMillis());
        long max = Math.max(initial, retry.getMaxBackoff().toMillis());
        long exponential = attempt >= 31 ? max : Math.min(max, initial << (attempt - 1));
        return Duration.ofMillis(exponential / 2 + ThreadLocalRandom.current().nextLong(exponential / 2 + 1));
    }

    /** What is kept of an answer: read whole before the connection goes back to the pool. */
    private record Response(int status, String body, Optional<String> retryAfter) {
        static Response of(ClassicHttpResponse response) throws IOException, ParseException {
            String body = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
            Header retryAfter = response.getFirstHeader("Retry-After");
            return new Response(response.getCode(), body, Optional.ofNullable(retryAfter).map(Header::getValue));
        }
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

    private static void sleep(Duration wait, String call) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CustomerIoUnavailableException(call + " was interrupted", e);
        }
    }

    /** A retryable failure of one attempt. */
    private record Failure(String detail, Throwable cause, Optional<Duration> retryAfter, String reason) {
        CustomerIoUnavailableException exception(String suffix) {
            return cause == null ? new CustomerIoUnavailableException(detail + suffix)
                    : new CustomerIoUnavailableException(detail + suffix, cause);
        }
    }

    private byte[] toJson(Object body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write request body as JSON", e);
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
