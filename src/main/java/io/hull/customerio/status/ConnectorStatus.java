package io.hull.customerio.status;

import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.customerio.CustomerIoCredentials;
import io.hull.customerio.customerio.CustomerIoRegions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code GET /status}: what an operator must fix, in their words. {@code error} when Customer.io
 * credentials are missing or refused, Customer.io cannot be reached, or a site's region is not known;
 * {@code warning} when no segment is whitelisted or webhooks are not secured; {@code ok} otherwise.
 */
@Component("connectorStatus")
public class ConnectorStatus {

    private final CustomerIoProperties customerIo;
    private final ConnectorProperties connector;
    private final CustomerIoRegions regions;

    public ConnectorStatus(CustomerIoProperties customerIo, ConnectorProperties connector, CustomerIoRegions regions) {
        this.customerIo = customerIo;
        this.connector = connector;
        this.regions = regions;
    }

    /** Step {@code configured-site}: the site of customerio.site-id and customerio.api-key, checked by route connector-status-check. */
    public CustomerIoCredentials configuredSite() {
        return CustomerIoCredentials.ofNullable(customerIo.getSiteId(), customerIo.getApiKey());
    }

    /**
     * The report, after route connector-status-check asked Customer.io about the configured site: its credentials
     * and region, every other site's region (or why it is not known), the settings an operator must fix.
     */
    public Map<String, Object> check() {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        CustomerIoCredentials credentials = configuredSite();
        if (credentials == null) {
            errors.add("Customer.io credentials are missing: set customerio.site-id and customerio.api-key.");
        }
        List<Map<String, Object>> sites = regions.report();
        for (Map<String, Object> site : sites) {
            if (site.containsKey("error")) {
                errors.add(site.get("error") + ".");
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
        String trackUrl = regions.configuredTrackUrl();
        if (trackUrl != null) {
            status.put("track_url", trackUrl);
        } else {
            // customerio.track-url unset: each site's region, as Customer.io named it
            status.put("regions", sites);
        }
        return status;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
