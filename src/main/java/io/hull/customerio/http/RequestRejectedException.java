package io.hull.customerio.http;

import io.hull.customerio.errors.ConnectorException;

/**
 * A request that is refused as a whole, before any work is done: the HTTP status and an error
 * that tells the sender what was wrong. The {@code reason} is sent to the caller, so it must
 * never contain a secret (nor echo what was received: a body may hold someone's secret).
 */
public class RequestRejectedException extends ConnectorException {

    private final int status;

    public RequestRejectedException(int status, String code, String reason) {
        super(code, true, reason, null);
        this.status = status;
    }

    public static RequestRejectedException badRequest(String code, String reason) {
        return new RequestRejectedException(400, code, reason);
    }

    public static RequestRejectedException unauthorized(String code, String reason) {
        return new RequestRejectedException(401, code, reason);
    }

    public static RequestRejectedException tooLarge(long limitBytes) {
        return new RequestRejectedException(413, "payload_too_large", "body is larger than " + limitBytes + " bytes");
    }

    public int status() { return status; }
}
