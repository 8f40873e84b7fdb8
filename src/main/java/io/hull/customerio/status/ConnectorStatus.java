package io.hull.customerio.status;

import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.customerio.CustomerIoCredentials;
import io.hull.customerio.errors.NetworkErrors;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code GET /status}: what an operator must fix, in their words. {@code error} when Customer.io
 * credentials are missing, refused or Customer.io cannot be reached; {@code warning} when no
 * segment is whitelisted or webhooks are not secured; {@code ok} otherwise.
 */
@Component("connectorStatus")
public class ConnectorStatus {

    private final CustomerIoProperties customerIo;
    private final ConnectorProperties connector;
    private final HttpClient http;

    public ConnectorStatus(CustomerIoProperties customerIo, ConnectorProperties connector) {
        this.customerIo = customerIo;
        this.connector = connector;
        this.http = HttpClient.newBuilder().connectTimeout(customerIo.getConnectTimeout()).build();
    }

    public Map<String, Object> check() {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        CustomerIoCredentials credentials = CustomerIoCredentials.ofNullable(customerIo.getSiteId(), customerIo.getApiKey());
        if (credentials == null) {
            errors.add("Customer.io credentials are missing: set customerio.site-id and customerio.api-key.");
        } else {
            String problem = credentialProblem(credentials);
            if (problem != null) {
                errors.add(problem);
            }
        }
        if (connector.getSettings().getSynchronizedSegments().isEmpty()) {
            warnings.add("No segment is whitelisted (connector.settings.synchronized_segments is empty): "
                    + "users are only sent when a notification's settings whitelist segments.");
        }
        if (blank(customerIo.getWebhook().getSigningKey()) && blank(customerIo.getWebhook().getToken())) {
            warnings.add("Customer.io webhooks are not secured: set customerio.webhook.signing-key or customerio.webhook.token; "
                    + "until then every webhook is refused.");
        }
        List<String> messages = new ArrayList<>(errors);
        messages.addAll(warnings);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("status", !errors.isEmpty() ? "error" : !warnings.isEmpty() ? "warning" : "ok");
        status.put("messages", messages);
        return status;
    }

    /** {@code GET /api/v1/accounts/region}: 200 the credentials work, 401 they are refused. */
    private String credentialProblem(CustomerIoCredentials credentials) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(customerIo.getTrackUrl().replaceAll("/+$", "") + "/api/v1/accounts/region"))
                .timeout(customerIo.getRequestTimeout())
                .header("Authorization", credentials.authorization())
                .GET().build();
        try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 401 || status == 403) {
                return "Customer.io refused the credentials of site " + credentials.siteId() + " (HTTP " + status
                        + "): check customerio.site-id and customerio.api-key.";
            }
            if (status >= 300) {
                return "Customer.io answered HTTP " + status + " to the credential check.";
            }
            return null;
        } catch (IOException e) {
            return "Customer.io cannot be reached at " + customerIo.getTrackUrl() + " (" + NetworkErrors.describe(e) + ").";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "The Customer.io credential check was interrupted.";
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
