package io.hull.customerio.http;

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
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets an endpoint's request body be read only up to its limit, before anything reads it.
 * <p>
 * platform-http reads the whole body into memory before the route's first step, so without this a body of
 * any size (declared or chunked) would be in memory before the route's {@link RequestBodyLimit} refuses it
 * with 413. With it, what can be read is at most {@code limit + 1} bytes: one byte more than allowed, so the
 * route still sees that the body is too large and answers its usual 413; and nothing at all when the
 * declared {@code Content-Length} is already over the limit (the route refuses on the header). The route
 * stays the one place that decides and answers; this only bounds the memory a request can take.
 * <p>
 * The rest of an oversized body is read and thrown away (up to {@code maxDiscardedBytes}, in an 8 KB buffer)
 * before the route answers: a caller that reads the answer only once it has sent its whole body (the JDK's
 * HttpClient does) would otherwise find the connection closed under it and never see the 413. Beyond
 * {@code maxDiscardedBytes} the 413 is answered anyway and the connection closed.
 */
public class RequestBodyCap extends OncePerRequestFilter {

    private final long maxBytes;
    private final long maxDiscardedBytes;

    public RequestBodyCap(long maxBytes, long maxDiscardedBytes) {
        this.maxBytes = maxBytes;
        this.maxDiscardedBytes = maxDiscardedBytes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        long readable = declared > maxBytes ? 0 : maxBytes + 1;
        chain.doFilter(new CappedRequest(request, readable, maxDiscardedBytes), response);
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
                Charset charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
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
        private boolean discarded;

        CappedInputStream(ServletInputStream in, long readable, long maxDiscarded) {
            this.in = in;
            this.left = readable;
            this.maxDiscarded = maxDiscarded;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return discardRest();
            }
            int b = in.read();
            if (b != -1) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (left <= 0) {
                return discardRest();
            }
            int n = in.read(buffer, offset, (int) Math.min(length, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        /** Reads what is left of the body, up to {@code maxDiscarded} bytes, into nothing; then: end of stream. */
        private int discardRest() throws IOException {
            if (!discarded) {
                discarded = true;
                byte[] sink = new byte[8 * 1024];
                long total = 0;
                for (int n; total < maxDiscarded
                        && (n = in.read(sink, 0, (int) Math.min(sink.length, maxDiscarded - total))) != -1; ) {
                    total += n;
                }
            }
            return -1;
        }

        @Override
        public int available() throws IOException {
            return left <= 0 ? 0 : (int) Math.min(in.available(), left);
        }

        @Override
        public boolean isFinished() {
            return discarded || in.isFinished();
        }

        @Override
        public boolean isReady() {
            return left <= 0 || in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
