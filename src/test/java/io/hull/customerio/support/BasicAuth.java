package io.hull.customerio.support;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Customer.io's Basic auth, {@code site_id:api_key}, both ways. */
public final class BasicAuth {

    private BasicAuth() {
    }

    /** The Authorization header of a site and its API key. */
    public static String of(String siteId, String apiKey) {
        return "Basic " + Base64.getEncoder().encodeToString((siteId + ":" + apiKey).getBytes(StandardCharsets.UTF_8));
    }

    /** The Authorization header of a site of {@link TestNotifications#forSite}: its API key is {@code key-<site>}. */
    public static String ofSite(String siteId) {
        return of(siteId, "key-" + siteId);
    }

    /** The site id of an Authorization header. */
    public static String siteOf(String authorization) {
        String pair = new String(Base64.getDecoder().decode(authorization.substring("Basic ".length())), StandardCharsets.UTF_8);
        return pair.substring(0, pair.indexOf(':'));
    }
}
