package io.hull.customerio.customerio;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** One Customer.io workspace: the site id and its Track API key. {@link #toString()} hides the key. */
public record CustomerIoCredentials(String siteId, String apiKey) {

    public static CustomerIoCredentials ofNullable(String siteId, String apiKey) {
        boolean complete = siteId != null && !siteId.isBlank() && apiKey != null && !apiKey.isBlank();
        return complete ? new CustomerIoCredentials(siteId.trim(), apiKey.trim()) : null;
    }

    /** The Track API's Basic auth header value. */
    public String authorization() {
        return "Basic " + Base64.getEncoder().encodeToString((siteId + ":" + apiKey).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "CustomerIoCredentials[siteId=" + siteId + "]";
    }
}
