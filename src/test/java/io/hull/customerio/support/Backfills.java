package io.hull.customerio.support;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

/** {@code POST /batch} as Hull sends it when a segment is pushed: the connector's credentials in the query, a user extract's URL in the body. */
public final class Backfills {

    private Backfills() {
    }

    /** {@code organization=…&ship=…&secret=…}, the secret URL-encoded. */
    public static String query(String organization, String ship, String secret) {
        return "organization=" + organization + "&ship=" + ship + "&secret=" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
    }

    /** A user report in JSON lines at {@code extractUrl}. */
    public static String body(String extractUrl) {
        return body(extractUrl, "user_report");
    }

    /** A report of {@code objectType} ({@code user_report}, {@code account_report}) in JSON lines at {@code extractUrl}. */
    public static String body(String extractUrl, String objectType) {
        return "{\"url\":\"" + extractUrl + "\",\"format\":\"json\",\"object_type\":\"" + objectType + "\"}";
    }

    /** The request to the connector at {@code baseUrl} (e.g. {@code http://localhost:8080}). */
    public static HttpRequest request(String baseUrl, String organization, String ship, String secret, String extractUrl) {
        return HttpRequest.newBuilder(URI.create(baseUrl + "/batch?" + query(organization, ship, secret)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(extractUrl))).build();
    }
}
