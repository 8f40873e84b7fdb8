package io.hull.customerio.hull;

/** Hull's firehose refused the batch for good (4xx other than 429), e.g. wrong connector credentials. */
public class HullRejectedException extends RuntimeException {

    private final int status;

    public HullRejectedException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() { return status; }
}
