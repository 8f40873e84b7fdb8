package io.hull.customerio.customerio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.sync.UserSyncTask;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The Customer.io Track API v1 calls the connector makes. Plain JDK HTTP client: exact control of
 * the path encoding, timeouts on every call, and no Camel header can leak into a request.
 * Errors never carry the API key.
 */
@Component("customerIoClient")
public class CustomerIoClient {

    /** Customer.io's error bodies are short; anything longer is cut in logs. */
    private static final int MAX_ERROR_BODY = 300;

    private final HttpClient http;
    private final ObjectMapper json;
    private final CustomerIoProperties properties;
    private final String trackUrl;

    public CustomerIoClient(ObjectMapper json, CustomerIoProperties properties) {
        this.json = json;
        this.properties = properties;
        this.trackUrl = properties.getTrackUrl().replaceAll("/+$", "");
        this.http = HttpClient.newBuilder().connectTimeout(properties.getConnectTimeout()).build();
    }

    /** Identify: one PUT per chunk of attributes, in order; the first failure stops the rest. */
    public void identify(UserSyncTask task) {
        for (Map<String, Object> attributes : task.identifyCalls()) {
            send(task.context().customerIo(), "PUT", customerPath(task.customerId()), attributes);
        }
    }

    public void delete(UserSyncTask task) {
        send(task.context().customerIo(), "DELETE", customerPath(task.customerId()), null);
    }

    /** Customer event or anonymous event, with its deterministic {@code id}. */
    public void sendEvent(EventCall event) {
        send(event.credentials(), "POST", event.path(), event.payload());
    }

    /** {@code /api/v1/customers/{id}} with the id percent-encoded ({@code @} → {@code %40}, {@code /} → {@code %2F}, space → {@code %20}). */
    public static String customerPath(String customerId) {
        return "/api/v1/customers/" + URLEncoder.encode(customerId, StandardCharsets.UTF_8).replace("+", "%20");
    }

    void send(CustomerIoCredentials credentials, String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(trackUrl + path))
                .timeout(properties.getRequestTimeout())
                .header("Authorization", basicAuth(credentials))
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(toJson(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        String call = method + " " + path;
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CustomerIoUnavailableException(call + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CustomerIoUnavailableException(call + " was interrupted", e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return;
        }
        String detail = call + " answered " + status + errorBody(response.body(), credentials);
        if (status == 429 || status >= 500) {
            throw new CustomerIoUnavailableException(detail);
        }
        throw new CustomerIoRejectedException(status, detail);
    }

    private byte[] toJson(Object body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write request body as JSON", e);
        }
    }

    private static String basicAuth(CustomerIoCredentials credentials) {
        String pair = credentials.siteId() + ":" + credentials.apiKey();
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /** Customer.io's message, shortened, and with the key removed in case an error echoes it. */
    private static String errorBody(String body, CustomerIoCredentials credentials) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String text = body.replace(credentials.apiKey(), "***").replaceAll("\\s+", " ").trim();
        return ": " + (text.length() > MAX_ERROR_BODY ? text.substring(0, MAX_ERROR_BODY) + "…" : text);
    }
}
