package io.hull.customerio.customerio;

/** One Customer.io workspace: the site id and its Track API key. {@link #toString()} hides the key. */
public record CustomerIoCredentials(String siteId, String apiKey) {

    public static CustomerIoCredentials ofNullable(String siteId, String apiKey) {
        boolean complete = siteId != null && !siteId.isBlank() && apiKey != null && !apiKey.isBlank();
        return complete ? new CustomerIoCredentials(siteId.trim(), apiKey.trim()) : null;
    }

    @Override
    public String toString() {
        return "CustomerIoCredentials[siteId=" + siteId + "]";
    }
}
