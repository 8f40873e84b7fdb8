package io.hull.customerio.batch;

import java.io.IOException;

/** The extract could not be had (no connection, no answer in time, an answer other than 2xx): its job fails with this reason. */
public class ExtractUnavailableException extends IOException {

    public ExtractUnavailableException(String reason) {
        super(reason);
    }

    public ExtractUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
