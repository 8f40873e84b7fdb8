package io.hull.customerio.http;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Map;
import java.util.function.Predicate;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets a request body be read only up to its endpoint's limit, before anything reads it.
 * <p>
 * platform-http reads the whole body into memory before the route's first step, so without this a body of
 * any size (declared or chunked) would be in memory before the route's {@link RequestBodyLimit} refuses it
 * with 413. With it, what can be read is at most {@code limit + 1} bytes: one byte more than allowed, so the
 * route still sees that the body is too large and answers its usual 413; and nothing at all when the
 * declared {@code Content-Length} is already over the limit (the route refuses on the header). The route
 * stays the one place that decides and answers; this only bounds the memory a request can take. A request whose
 * route will refuse it on its headers alone (a notification without a valid signature, a webhook without the
 * token) gets nothing either: its body, of any size, is never held in memory. Paths
 * without a limit of their own (status, batch jobs, actuator: none takes a body) get limit 0.
 * <p>
 * The rest of an oversized body is read and thrown away (up to {@code maxDiscardedBytes}, in an 8 KB buffer)
 * before the route answers: a caller that reads the answer only once it has sent its whole body (the JDK's
 * HttpClient does) would otherwise find the connection closed under it and never see the 413. A body
 * declared larger than that is not read at all: the 413 is answered at once and the connection closed.
 * <p>
 * All bodies held at once stay within their door's {@link BodyMemoryBudget} ({@code connector.max-body-memory} for
 * notifications and batch requests, {@code customerio.webhook.max-body-memory} for webhooks, which can be refused
 * on their headers only when a token is set): a body that would go over it (its declared length, or its endpoint's
 * limit when chunked) is answered 503 without being read, and its sender tries again later.
 * <p>
 * Compressed bodies and bodies of other types than JSON never get here ({@link RequestScreening}).
 * <p>
 * The capped stream is for blocking reads, which is how Camel reads; asynchronous reading is refused.
 */
public class RequestBodyCap extends OncePerRequestFilter {

    /**
     * What one path takes: at most {@code maxBytes}, only from a request whose headers pass {@code headersAccepted}
     * (its route refuses the others on their headers alone, so their bodies are not held), and within the memory
     * {@code budget} it shares with other paths; {@code busyAnswer}: its 503 when the budget is full.
     */
    public record Policy(long maxBytes, Predicate<HttpServletRequest> headersAccepted, BodyMemoryBudget budget,
                         byte[] busyAnswer) {
    }

    private static final Policy NO_BODY = new Policy(0, request -> true, null, null);

    private final Map<String, Policy> policyByPath;
    private final long maxDiscardedBytes;
    private final RefusedRequests refusals;

    /**
     * @param policyByPath      the policy of each path that takes a body (exact request URIs); every other path: 0 bytes
     * @param maxDiscardedBytes how much of an oversized body is read into nothing so the caller gets its answer
     */
    public RequestBodyCap(Map<String, Policy> policyByPath, long maxDiscardedBytes, RefusedRequests refusals) {
        this.refusals = refusals;
        this.policyByPath = Map.copyOf(policyByPath);
        this.maxDiscardedBytes = maxDiscardedBytes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Policy policy = policyByPath.getOrDefault(Doors.of(request.getRequestURI()), NO_BODY);
        long maxBytes = policy.maxBytes();
        long declared = request.getContentLengthLong();
        long readable;
        long discardable;
        if (declared <= maxBytes && !policy.headersAccepted().test(request)) {
            // refused on its headers (a bad signature or token): not one byte is kept, whatever its size
            readable = 0;
            discardable = declared <= maxDiscardedBytes ? maxDiscardedBytes : 0;
        } else if (declared > maxBytes) {
            readable = 0;
            // what cannot be discarded whole is not read at all: the caller sees a closed connection either way
            discardable = declared <= maxDiscardedBytes ? declared : 0;
        } else {
            readable = maxBytes == Long.MAX_VALUE ? maxBytes : maxBytes + 1;
            discardable = maxDiscardedBytes;
        }
        // what the body can take, at most: all of it when declared, else all its endpoint allows
        long bytes = readable == 0 ? 0 : declared >= 0 ? declared : readable;
        BodyMemoryBudget.Reservation reservation = null;
        if (bytes > 0 && policy.budget() != null) {
            reservation = policy.budget().tryReserve(bytes);
            if (reservation == null) {
                refuseBusy(request, response, bytes, policy);
                return;
            }
            request.setAttribute(BodyMemoryBudget.Reservation.ATTRIBUTE, reservation);
        }
        try {
            chain.doFilter(new CappedRequest(request, readable, discardable), response);
        } finally {
            if (reservation != null) {
                releaseWhenAnswered(request, reservation);
            }
        }
    }

    /**
     * A body whose route never began (platform-http failed to read it) is given back once the request is answered;
     * once its route has begun, when the route's exchange is done ({@link BodyMemoryRoutePolicy}), which may be
     * later: platform-http answers asynchronously, and an async timeout answers while the route still works.
     */
    private static void releaseWhenAnswered(HttpServletRequest request, BodyMemoryBudget.Reservation reservation) {
        if (!request.isAsyncStarted()) {
            reservation.release();
            return;
        }
        request.getAsyncContext().addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                releaseUnlessHeld();
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                releaseUnlessHeld();
            }

            @Override
            public void onError(AsyncEvent event) {
                releaseUnlessHeld();
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                event.getAsyncContext().addListener(this);
            }

            private void releaseUnlessHeld() {
                if (!reservation.isHeldByExchange()) {
                    reservation.release();
                }
            }
        });
    }

    /**
     * 503: the bodies held now and this one would be more than {@code connector.max-body-memory}. Its sender tries
     * again (Hull after its flow control's retry, Customer.io on its schedule), as after any overload.
     */
    private void refuseBusy(HttpServletRequest request, HttpServletResponse response, long bytes, Policy policy) throws IOException {
        BodyMemoryBudget budget = policy.budget();
        refusals.refused(request.getMethod(), request.getRequestURI(), 503, "busy", "a body of " + bytes + " bytes; "
                + budget.held() + " of " + budget.capacity() + " bytes of bodies are held now (" + budget.name() + ")");
        CappedInputStream rest = new CappedInputStream(request.getInputStream(), 0,
                request.getContentLengthLong() <= maxDiscardedBytes ? maxDiscardedBytes : 0);
        rest.read();
        byte[] answer = policy.busyAnswer();
        response.setStatus(503);
        response.setContentType("application/json");
        response.setContentLength(answer.length);
        if (request.getContentLengthLong() > maxDiscardedBytes) {
            response.setHeader("Connection", "close");
        }
        response.getOutputStream().write(answer);
    }

    /** The request with a body stream that ends after {@code readable} bytes. */
    private static final class CappedRequest extends HttpServletRequestWrapper {

        private final long readable;
        private final long maxDiscarded;
        private ServletInputStream body;
        private BufferedReader reader;

        CappedRequest(HttpServletRequest request, long readable, long maxDiscarded) {
            super(request);
            this.readable = readable;
            this.maxDiscarded = maxDiscarded;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (body == null) {
                body = new CappedInputStream(super.getInputStream(), readable, maxDiscarded);
            }
            return body;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            if (reader == null) {
                String encoding = getCharacterEncoding();
                Charset charset;
                try {
                    charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
                } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                    throw new UnsupportedEncodingException(encoding);
                }
                reader = new BufferedReader(new InputStreamReader(getInputStream(), charset));
            }
            return reader;
        }
    }

    /** Ends after {@code readable} bytes; the first read past them discards the rest of the body first. */
    private static final class CappedInputStream extends ServletInputStream {

        private final ServletInputStream in;
        private final long maxDiscarded;
        private long left;
        private boolean ended;

        CappedInputStream(ServletInputStream in, long readable, long maxDiscarded) {
            this.in = in;
            this.left = readable;
            this.maxDiscarded = maxDiscarded;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return end();
            }
            int b = in.read();
            if (b != -1) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (left <= 0) {
                return end();
            }
            int n = in.read(buffer, offset, (int) Math.min(length, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        /**
         * End of stream, after reading what is left of the body (up to {@code maxDiscarded} bytes) into
         * nothing. A caller that went away meanwhile only ends it sooner: its request is refused anyway.
         */
        private int end() {
            if (!ended) {
                ended = true;
                // the route still answers 413, to nobody if the sender went away meanwhile
                BoundedBodyReader.discard(in, maxDiscarded);
            }
            return -1;
        }

        @Override
        public int available() throws IOException {
            return left <= 0 ? 0 : (int) Math.min(in.available(), left);
        }

        @Override
        public boolean isFinished() {
            return ended || in.isFinished();
        }

        @Override
        public boolean isReady() {
            return true; // blocking reads only (see setReadListener)
        }

        @Override
        public void setReadListener(ReadListener listener) {
            throw new IllegalStateException("the capped request body supports blocking reads only");
        }
    }
}
