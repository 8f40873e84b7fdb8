package io.hull.customerio.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.camel.Exchange;

/**
 * Reads a request body as the exact bytes sent, and never more than a limit: a chunked body with no
 * Content-Length is refused with 413 as soon as it passes the limit. (platform-http has read the body
 * before the route runs, at most one byte over the limit: {@link RequestBodyCap}.)
 */
public final class BoundedBodyReader {

    private BoundedBodyReader() {
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
