package io.hull.customerio.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a request body as the exact bytes sent, and never more than a limit: a chunked body with no
 * Content-Length is refused with 413 as soon as it passes the limit. (platform-http has read the body
 * before the route runs, at most one byte over the limit: {@link RequestBodyCap}.)
 */
public final class BoundedBodyReader {

    private static final Logger LOG = LoggerFactory.getLogger(BoundedBodyReader.class);

    private BoundedBodyReader() {
    }

    /**
     * Reads {@code in} into nothing, 8 KB at a time, up to {@code maxBytes}: what is left of a body that is refused,
     * so that a client that reads the answer only after sending everything still gets it. A sender that went away
     * only ends it sooner. Returns how much was read.
     */
    public static long discard(InputStream in, long maxBytes) {
        byte[] sink = new byte[8 * 1024];
        long total = 0;
        try {
            for (int n; total < maxBytes && (n = in.read(sink, 0, (int) Math.min(sink.length, maxBytes - total))) > 0; ) {
                total += n;
            }
        } catch (IOException senderGone) {
            LOG.debug("sender went away while a refused body was discarded: {}", senderGone.getClass().getSimpleName());
        }
        return total;
    }

    public static byte[] read(Exchange exchange, long maxBytes) {
        Object body = exchange.getMessage().getBody();
        if (body instanceof byte[] bytes) {
            if (bytes.length > maxBytes) {
                throw RequestRejectedException.tooLarge(maxBytes);
            }
            return bytes;
        }
        InputStream in = body instanceof InputStream stream ? stream : exchange.getMessage().getBody(InputStream.class);
        if (in == null) {
            return new byte[0];
        }
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            // 8 KB: a webhook is about 1 KB, and a 64 KB buffer per request was a quarter of all the memory
            // the webhook path allocated (measured, docs/benchmarks.md); big notifications only take more reads.
            byte[] buffer = new byte[8 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) != -1; ) {
                total += n;
                if (total > maxBytes) {
                    throw RequestRejectedException.tooLarge(maxBytes);
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw RequestRejectedException.badRequest("unreadable_body", "the request body could not be read");
        }
    }
}
