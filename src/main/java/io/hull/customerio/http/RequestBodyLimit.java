package io.hull.customerio.http;

import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * One endpoint's body limit, used by its route in two steps: refuse a body declared too large, then take
 * the exact bytes, refusing more than the limit (413 either way). platform-http reads the body before the
 * route's first step; {@link RequestBodyCap} keeps what it can read to one byte over the limit.
 */
public class RequestBodyLimit {

    private final long maxBytes;

    public RequestBodyLimit(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public void checkDeclaredSize(@Header("Content-Length") Long declaredLength) {
        if (declaredLength != null && declaredLength > maxBytes) {
            throw RequestRejectedException.tooLarge(maxBytes);
        }
    }

    public byte[] read(Exchange exchange) {
        return BoundedBodyReader.read(exchange, maxBytes);
    }
}
