package io.hull.customerio.status;

import io.hull.customerio.batch.BatchRequests;
import io.hull.customerio.webhook.HullTrackTickets;
import io.hull.customerio.webhook.WebhookAuthenticator;
import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.customerio.CustomerIoCredentials;
import io.hull.customerio.config.HullProperties;
import io.hull.customerio.customerio.CustomerIoRegions;
import io.hull.customerio.hull.HullCredentials;
import io.hull.customerio.hull.NotifierSignatureVerifier;
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

    private static final String NOTIFIER_DOOR = "POST /smart-notifier";
    /** Other sites whose region lookup failed named in messages; the rest are counted. */
    private static final int SITES_NAMED = 5;
    /** Sites listed under regions, in site id order. */
    private static final int SITES_LISTED = 100;

    private final CustomerIoProperties customerIo;
    private final ConnectorProperties connector;
    private final CustomerIoRegions regions;
    private final HullProperties hull;
    private final NotifierSignatureVerifier notifierSignatures;
    private final BatchRequests batchRequests;
    private final WebhookAuthenticator webhookAuthenticator;
    private final HullTrackTickets hullTrackTickets;

    public ConnectorStatus(CustomerIoProperties customerIo, ConnectorProperties connector, CustomerIoRegions regions,
                           HullProperties hull, NotifierSignatureVerifier notifierSignatures, BatchRequests batchRequests,
                           WebhookAuthenticator webhookAuthenticator, HullTrackTickets hullTrackTickets) {
        this.batchRequests = batchRequests;
        this.webhookAuthenticator = webhookAuthenticator;
        this.hullTrackTickets = hullTrackTickets;
        this.customerIo = customerIo;
        this.connector = connector;
        this.regions = regions;
        this.hull = hull;
        this.notifierSignatures = notifierSignatures;
    }

    /** Forgets the refusals that made a door a warning (tests that start from a quiet /status). */
    public void forgetRefusals() {
        batchRequests.forgetRefusal();
        webhookAuthenticator.forgetRefusal();
        hullTrackTickets.forgetRefusal();
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
        // the configured site's failure is the connector's error; another site's (from a notification's settings)
        // is that site's problem: a warning, a few named, the rest counted
        int othersFailing = 0;
        for (Map<String, Object> site : sites) {
            if (!site.containsKey("error")) {
                continue;
            }
            if (credentials != null && credentials.siteId().equals(site.get("site_id"))) {
                errors.add(site.get("error") + ".");
            } else if (++othersFailing <= SITES_NAMED) {
                warnings.add(site.get("error") + ".");
            }
        }
        if (othersFailing > SITES_NAMED) {
            warnings.add((othersFailing - SITES_NAMED) + " more sites' regions could not be asked in the last hour (see regions).");
        }
        if (sites.size() > SITES_LISTED) {
            sites = sites.subList(0, SITES_LISTED);
        }
        if (connector.getSettings().getSynchronizedSegments().isEmpty()) {
            warnings.add("No segment is whitelisted (connector.settings.synchronized_segments is empty): "
                    + "users are only sent when a notification's settings whitelist segments.");
        }
        List<Map<String, Object>> refusing = refusingDoors();
        for (Map<String, Object> door : refusing) {
            String message = "Every " + door.get("door") + " is refused " + door.get("status") + ": " + door.get("reason")
                    + "; " + door.get("fix") + ".";
            // Hull's notifications are what the connector is for; webhooks and backfills may be unused on purpose
            (door.get("door").equals(NOTIFIER_DOOR) ? errors : warnings).add(message);
        }
        List<String> messages = new ArrayList<>(errors);
        messages.addAll(warnings);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("status", !errors.isEmpty() ? "error" : !warnings.isEmpty() ? "warning" : "ok");
        status.put("messages", messages);
        status.put("refusing", refusing);
        String trackUrl = customerIo.configuredTrackUrl();
        if (trackUrl != null) {
            status.put("track_url", trackUrl);
        } else {
            // customerio.track-url unset: each site's region, as Customer.io named it
            status.put("regions", sites);
        }
        return status;
    }

    /** Every door that refuses every request as the connector is set up: which setting, and how to fix it. */
    private List<Map<String, Object>> refusingDoors() {
        List<Map<String, Object>> doors = new ArrayList<>();
        if (notifierSignatures.refusesEverything()) {
            doors.add(door(NOTIFIER_DOOR, 401, "hull.notifier.public-key",
                    "hull.notifier.public-key is not set, so Hull's signatures cannot be verified",
                    "set it to the PEM file of Hull's public key, e.g. hull.notifier.public-key=file:/etc/connector/hull-notifier.pem"));
        }
        boolean noHullCredentials = !new HullCredentials(hull.getOrganization(), hull.getConnectorId(), hull.getSecret()).complete();
        // /webhook unsecured, or without hull.* credentials, is no problem until a webhook comes to it: a deployment may
        // take webhooks on connectors' own URLs only (/webhooks/...), or none
        boolean unsecured = blank(customerIo.getWebhook().getSigningKey()) && blank(customerIo.getWebhook().getToken());
        if (unsecured && webhookAuthenticator.refusedUnsecured()) {
            doors.add(door("POST /webhook", 401, "customerio.webhook.signing-key, customerio.webhook.token",
                    "Customer.io webhooks are not secured (neither customerio.webhook.signing-key nor customerio.webhook.token is set)",
                    "set customerio.webhook.signing-key to the webhook's signing key in Customer.io, or customerio.webhook.token"));
        } else if (!unsecured && noHullCredentials && hullTrackTickets.refusedWithoutHull()) {
            doors.add(door("POST /webhook", 503, "hull.organization, hull.connector-id, hull.secret",
                    "the connector has no Hull credentials to write the webhooks' track calls with",
                    "set hull.organization, hull.connector-id and hull.secret (Customer.io sends the refused webhooks again for up to 7 days)"));
        }
        // a batch names its connector (any one Hull knows): only the extract host can refuse every batch, and an empty
        // hull.batch.allowed-hosts is no problem until a batch was refused for it (the connector may get none)
        String refusedHost = batchRequests.hostRefusedForNoAllowedHost();
        if (refusedHost != null && (hull.getBatch().getAllowedHosts() == null || hull.getBatch().getAllowedHosts().isEmpty())) {
            doors.add(door("POST /batch", 400, "hull.batch.allowed-hosts",
                    "a batch was refused: its extract host " + refusedHost + " is not allowed (hull.batch.allowed-hosts is empty)",
                    "check that " + refusedHost + " is Hull's extract storage (any connector Hull knows may name a URL), then add it: "
                            + "hull.batch.allowed-hosts=" + refusedHost));
        }
        return doors;
    }

    private static Map<String, Object> door(String door, int status, String setting, String reason, String fix) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("door", door);
        entry.put("status", status);
        entry.put("setting", setting);
        entry.put("reason", reason);
        entry.put("fix", fix);
        return entry;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
