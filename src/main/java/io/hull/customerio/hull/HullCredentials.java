package io.hull.customerio.hull;

import java.net.URI;

/**
 * The Hull connector that writes back: organization host, connector id and its secret.
 * {@link #toString()} hides the secret.
 */
public record HullCredentials(String organization, String connectorId, String secret) {

    public boolean complete() {
        return notBlank(organization) && notBlank(connectorId) && notBlank(secret);
    }

    /**
     * The firehose of the organization's Hull region: {@code unittesting.hullapp.io} →
     * {@code https://firehose.hullapp.io}. A configured URL wins (tests, proxies).
     */
    public URI firehoseUrl(String configured) {
        if (notBlank(configured)) {
            return URI.create(configured);
        }
        int dot = organization.indexOf('.');
        String domain = dot < 0 ? organization : organization.substring(dot + 1);
        return URI.create("https://firehose." + domain);
    }

    /**
     * Hull's API for the organization, without a trailing {@code /}: {@code https://<organization>}. A configured URL
     * ({@code hull.api-url}) wins (stand-ins).
     */
    public String apiUrl(String configured) {
        return (notBlank(configured) ? configured : "https://" + organization).replaceAll("/+$", "");
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    @Override
    public String toString() {
        return "HullCredentials[organization=" + organization + ", connectorId=" + connectorId + "]";
    }
}
