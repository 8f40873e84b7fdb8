package io.hull.customerio.batch;

import io.hull.customerio.config.HullProperties;
import io.hull.customerio.errors.NetworkErrors;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;
import org.apache.hc.core5.util.Timeout;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The timeouts of endpoint {@code fetch-hull-extract} (its {@code httpClientConfigurer}), and what its stream does
 * when a job stops reading early.
 *
 * <ul>
 *   <li>{@code hull.batch.connect-timeout}; {@code hull.batch.request-timeout} from the request to the response
 *   headers, as a whole (camel-http's timeouts are per step: a host that dribbles its headers never trips them);
 *   then {@code hull.batch.read-timeout} for each read of the body, the socket timeout: a stream that sends nothing
 *   for that long fails the read, and the job ends as stalled.</li>
 *   <li>A body closed before its end (a chunk's sync failed, the connector stops) aborts the connection. Apache's
 *   stream, closed, reads the rest to reuse the connection: a whole segment's extract, for nothing.</li>
 *   <li>When the connector stops, the extracts still being fetched or read are aborted, so their jobs end at once
 *   ({@link #abortAll}, called by {@link BatchJobs} when the application context closes).</li>
 * </ul>
 */
@Component("hullExtractFetch")
public class ExtractFetch implements HttpClientConfigurer, DisposableBean {

    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Duration readTimeout;
    private final ScheduledThreadPoolExecutor cutOffs;
    private final Set<Cancellable> reading = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    public ExtractFetch(HullProperties hull) {
        HullProperties.Batch batch = hull.getBatch();
        this.connectTimeout = batch.getConnectTimeout();
        this.requestTimeout = batch.getRequestTimeout();
        this.readTimeout = batch.getReadTimeout();
        this.cutOffs = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "hull-extract-cut-off");
            thread.setDaemon(true);
            return thread;
        });
        cutOffs.setRemoveOnCancelPolicy(true);
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.addExecInterceptorFirst("hull-extract-fetch", this::execute);
    }

    /**
     * The connector stops: the extracts being fetched or read now are aborted, their reads fail at once, and no
     * other is fetched. A blocked read ignores an interrupt and would hold its job (and Camel's graceful shutdown,
     * which waits for the job's exchange) for up to {@code hull.batch.read-timeout}.
     */
    public void abortAll() {
        stopping = true;
        reading.forEach(Cancellable::cancel);
    }

    /** True once {@link #abortAll} was called: a read that fails now failed because the connector stops. */
    public boolean stopping() {
        return stopping;
    }

    @Override
    public void destroy() {
        abortAll();
        cutOffs.shutdownNow();
    }

    @SuppressWarnings("deprecation") // per request, the connect timeout is still honoured
    private ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        scope.clientContext.setRequestConfig(RequestConfig.copy(scope.clientContext.getRequestConfigOrDefault())
                .setConnectTimeout(Timeout.of(connectTimeout))
                .setResponseTimeout(Timeout.of(readTimeout))
                .setRedirectsEnabled(false)
                .build());
        // camel-http's request (an HttpUriRequestBase): cancelling it aborts the connect, the wait or a read
        Cancellable fetch = scope.originalRequest instanceof Cancellable cancellable ? cancellable : () -> false;
        reading.add(fetch);
        if (stopping) {
            reading.remove(fetch);
            throw new ExtractUnavailableException("the extract was not fetched: the connector is stopping");
        }
        AtomicBoolean headersLate = new AtomicBoolean();
        ScheduledFuture<?> headersDue = cutOffs.schedule(() -> {
            headersLate.set(true);
            fetch.cancel();
        }, requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
        ClassicHttpResponse response = null;
        try {
            response = chain.proceed(request, scope);
            // the cut-off may have fired just as the headers came: the request is cancelled, its body unreadable
            if (!headersDue.cancel(false) && headersLate.get()) {
                throw new IOException("cancelled at the cut-off");
            }
        } catch (IOException | HttpException e) {
            closeQuietly(response);
            reading.remove(fetch);
            throw new ExtractUnavailableException("the extract could not be fetched: " + why(e, headersLate.get()), e);
        } catch (RuntimeException e) {
            closeQuietly(response);
            reading.remove(fetch);
            throw e;
        } finally {
            headersDue.cancel(false);
        }
        HttpEntity body = response.getEntity();
        if (body != null && body.isStreaming()) {
            response.setEntity(new AbortedIfClosedEarly(body, fetch, () -> reading.remove(fetch)));
        } else {
            reading.remove(fetch);
        }
        return response;
    }

    private String why(Exception e, boolean headersLate) {
        if (stopping) {
            return "the connector is stopping";
        }
        if (headersLate) {
            return "no response within " + requestTimeout.toSeconds() + " s (hull.batch.request-timeout)";
        }
        return NetworkErrors.describe(e);
    }

    private static void closeQuietly(ClassicHttpResponse response) {
        if (response == null) {
            return;
        }
        try {
            response.close();
        } catch (IOException ignored) {
            // the request is already failed; its reason is what the job reports
        }
    }

    /** The extract's body, whose stream aborts the connection when it is closed before its end. */
    private static final class AbortedIfClosedEarly extends HttpEntityWrapper {
        private final Cancellable fetch;
        private final Runnable done;
        private InputStream stream;

        AbortedIfClosedEarly(HttpEntity body, Cancellable fetch, Runnable done) {
            super(body);
            this.fetch = fetch;
            this.done = done;
        }

        /** Always the same stream: camel-http closes it once more when the exchange is done. */
        @Override
        public synchronized InputStream getContent() throws IOException {
            if (stream == null) {
                stream = new Stream(super.getContent());
            }
            return stream;
        }

        private final class Stream extends FilterInputStream {
            private boolean ended;
            private boolean closed;

            Stream(InputStream body) {
                super(body);
            }

            @Override
            public int read() throws IOException {
                int b = super.read();
                ended |= b < 0;
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                ended |= n < 0;
                return n;
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    if (!ended) {
                        fetch.cancel();
                    }
                    super.close();
                } catch (IOException e) {
                    if (ended) {
                        throw e;
                    } // else: the connection was aborted on purpose, its stream cannot close cleanly
                } finally {
                    done.run();
                }
            }
        }
    }
}
