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
 *   <li>When the connector stops, the extracts still being read are aborted, so their jobs end at once
 *   ({@link #abortAll}).</li>
 * </ul>
 */
@Component("hullExtractFetch")
public class ExtractFetch implements HttpClientConfigurer {

    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Duration readTimeout;
    private final ScheduledThreadPoolExecutor cutOffs;
    private final Set<Cancellable> reading = ConcurrentHashMap.newKeySet();

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

    /** The extracts being read now are aborted: their reads fail at once (called when the connector stops). */
    public void abortAll() {
        reading.forEach(Cancellable::cancel);
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
        AtomicBoolean headersLate = new AtomicBoolean();
        ScheduledFuture<?> headersDue = cutOffs.schedule(() -> {
            headersLate.set(true);
            fetch.cancel();
        }, requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
        ClassicHttpResponse response;
        try {
            response = chain.proceed(request, scope);
        } catch (IOException e) {
            String why = headersLate.get()
                    ? "no response within " + requestTimeout.toSeconds() + " s (hull.batch.request-timeout)"
                    : NetworkErrors.describe(e);
            throw new ExtractUnavailableException("the extract could not be fetched: " + why, e);
        } finally {
            headersDue.cancel(false);
        }
        HttpEntity body = response.getEntity();
        if (body != null && body.isStreaming()) {
            reading.add(fetch);
            response.setEntity(new AbortedIfClosedEarly(body, fetch, () -> reading.remove(fetch)));
        }
        return response;
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
