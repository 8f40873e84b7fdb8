package io.hull.customerio.customerio;

import io.hull.customerio.config.CustomerIoProperties;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.util.Timeout;
import org.springframework.stereotype.Component;

/**
 * The whole-attempt timeout of the Customer.io endpoint (its {@code httpClientConfigurer}): an attempt, from
 * waiting for a pooled connection to the last byte of the answer, takes at most the time route
 * {@code customerio-attempt} gives it in header {@value #HEADER} (the notification's time left, at most
 * {@code customerio.request-timeout}), and is cancelled then.
 *
 * <p>camel-http's timeouts are per endpoint and per step (connect, each read): an answer that dribbles in a
 * byte at a time never trips them, and a deadline that shrinks with every retry cannot be an endpoint option
 * without an endpoint (and a connection pool) per value. The header is taken off the request here and never
 * reaches Customer.io. The answer is read whole inside the budget (Customer.io's answers are small JSON), so
 * the connection is back in the pool before the route goes on.
 */
@Component("customerIoAttemptCutOff")
public class AttemptCutOff implements HttpClientConfigurer {

    /** Milliseconds this attempt may take; set by the route, removed from the request before it is sent. */
    public static final String HEADER = "X-Connector-Attempt-Timeout";

    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final ScheduledThreadPoolExecutor cutOffs;

    public AttemptCutOff(CustomerIoProperties properties) {
        this.connectTimeout = properties.getConnectTimeout();
        this.requestTimeout = properties.getRequestTimeout();
        this.cutOffs = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "customerio-attempt-cut-off");
            thread.setDaemon(true);
            return thread;
        });
        cutOffs.setRemoveOnCancelPolicy(true); // an attempt answered in time leaves nothing behind
    }

    @PreDestroy
    public void close() {
        cutOffs.shutdownNow();
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.addExecInterceptorFirst("attempt-cut-off", this::execute);
    }

    private ClassicHttpResponse execute(ClassicHttpRequest attempt, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        Duration budget = budget(attempt);
        attempt.removeHeaders(HEADER);
        scope.clientContext.setRequestConfig(timeouts(scope.clientContext.getRequestConfigOrDefault(), budget));
        AtomicBoolean cutOff = new AtomicBoolean();
        // camel-http's request (an HttpUriRequestBase): cancelling it aborts the lease, the connect or the read
        ScheduledFuture<?> cut = !(scope.originalRequest instanceof Cancellable request) ? null
                : cutOffs.schedule(() -> {
                    cutOff.set(true);
                    request.cancel();
                }, budget.toNanos(), TimeUnit.NANOSECONDS);
        try {
            ClassicHttpResponse response = chain.proceed(attempt, scope);
            HttpEntity entity = response.getEntity();
            if (entity != null) {
                byte[] body = EntityUtils.toByteArray(entity);
                String type = entity.getContentType();
                response.setEntity(new ByteArrayEntity(body, type == null ? null : ContentType.parseLenient(type)));
            }
            return response;
        } catch (IOException e) {
            if (cutOff.get() || e instanceof SocketTimeoutException) {
                SocketTimeoutException timeout = new SocketTimeoutException("no answer within " + budget.toMillis() + " ms");
                timeout.initCause(e);
                throw timeout;
            }
            throw e;
        } finally {
            if (cut != null) {
                cut.cancel(false);
            }
        }
    }

    private Duration budget(ClassicHttpRequest request) {
        Header header = request.getFirstHeader(HEADER);
        if (header != null) {
            try {
                long millis = Long.parseLong(header.getValue());
                if (millis > 0 && millis < requestTimeout.toMillis()) {
                    return Duration.ofMillis(millis);
                }
            } catch (NumberFormatException e) {
                // the route always sets a number; anything else gets the whole request timeout
            }
        }
        return requestTimeout;
    }

    /** No step of an attempt may take longer than the attempt: the connect timeout too is cut to what is left. */
    @SuppressWarnings("deprecation") // per request, the connect timeout is still honoured (and the only way to lower it)
    private RequestConfig timeouts(RequestConfig endpoints, Duration budget) {
        Duration connect = connectTimeout.compareTo(budget) < 0 ? connectTimeout : budget;
        return RequestConfig.copy(endpoints)
                .setConnectionRequestTimeout(Timeout.of(budget))
                .setConnectTimeout(Timeout.of(connect))
                .setResponseTimeout(Timeout.of(budget))
                .build();
    }
}
