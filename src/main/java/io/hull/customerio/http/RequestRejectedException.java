package io.hull.customerio.http;

/**
 * A request that is refused as a whole, before any work is done: the HTTP status and an error
 * that tells the sender what was wrong. The {@code reason} is sent to the caller, so it must
 * never contain a secret.
 */
public class RequestRejectedException extends RuntimeException {

    private final int status;
    private final String code;

    public RequestRejectedException(int status, String code, String reason) {
        super(reason);
        this.status = status;
        this.code = code;
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
    public String code() { return code; }
    public String reason() { return getMessage(); }
}
