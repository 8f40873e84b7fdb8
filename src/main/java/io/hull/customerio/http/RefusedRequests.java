package io.hull.customerio.http;

import org.apache.camel.Exchange;
import io.hull.customerio.webhook.HullTrackTickets;
import io.hull.customerio.hull.HullCredentials;
import io.hull.customerio.connectors.ConnectorSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import jakarta.servlet.ServletContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.context.support.WebApplicationContextUtils;

/**
 * Every refused request, on every door and whoever refused it (the web server, the screening filters, a route): one
 * WARN line {@code incoming.request.refused} with the door, method, path (never its query: a webhook's token and a
 * batch's secret are there), status, code and reason, and one count in
 * {@code connector_requests_refused_total{door,status,code}}. Reasons never hold a secret or what the caller sent.
 */
@Component("refusedRequests")
public class RefusedRequests {

    public static final String ACTION = "incoming.request.refused";
    private static final Logger LOG = LoggerFactory.getLogger("hull.connector");

    private final MeterRegistry meters;

    public RefusedRequests(MeterRegistry meters) {
        this.meters = meters;
    }

    /**
     * The connector's, for Tomcat's error valve, which Tomcat creates itself: the application's bean when the request
     * reached it, else one counting in Micrometer's global registry (Spring Boot adds its registry to it).
     */
    public static RefusedRequests of(ServletContext servletContext) {
        WebApplicationContext spring = servletContext == null ? null
                : WebApplicationContextUtils.getWebApplicationContext(servletContext);
        if (spring != null) {
            RefusedRequests bean = spring.getBeanProvider(RefusedRequests.class).getIfAvailable();
            if (bean != null) {
                return bean;
            }
        }
        return new RefusedRequests(Metrics.globalRegistry);
    }

    /** A refusal answered before a route ran: by the web server, a filter or Spring's error page. */
    public void refused(String method, String path, int status, String code, String reason) {
        record(door(path), "", method, path == null ? null : RequestScreening.abbreviate(path), status, code, reason);
    }

    /** Step {@code log-refusal} of the routes' error handling: what the route refused, on its door. */
    public void refusedByRoute(RequestRejectedException refusal, String door) {
        record(door, "", null, null, refusal.status(), refusal.code(), refusal.reason());
    }

    /**
     * The same for the webhook doors, whose metric names the Hull connector once it is known for sure: the configured
     * one, or the one a connector URL's token opened to (never an id merely read from a URL: anyone could make series).
     */
    public void refusedByRoute(RequestRejectedException refusal, String door, Exchange exchange) {
        HullCredentials connector = exchange.getProperty(HullTrackTickets.HULL, HullCredentials.class);
        if (connector == null) {
            connector = exchange.getProperty(ConnectorSettings.CREDENTIALS, HullCredentials.class);
        }
        String id = connector == null || connector.connectorId() == null ? "" : connector.connectorId();
        record(door, id, null, null, refusal.status(), refusal.code(), refusal.reason());
    }

    private void record(String door, String connector, String method, String path, int status, String code, String reason) {
        meters.counter("connector.requests.refused", "door", door, "status", String.valueOf(status), "code", code,
                "connector", connector).increment();
        var line = LOG.atWarn().setMessage(ACTION).addKeyValue("action", ACTION).addKeyValue("door", door);
        if (method != null) {
            line = line.addKeyValue("method", method);
        }
        if (path != null) {
            line = line.addKeyValue("path", path);
        }
        line.addKeyValue("status", status).addKeyValue("code", code).addKeyValue("reason", reason).log();
    }

    /** The door a path belongs to: a handful of names, so the metric has a handful of series, not one per path. */
    static String door(String path) {
        if (path == null) {
            return "other";
        }
        if (path.equals("/smart-notifier")) {
            return "smart-notifier";
        }
        if (path.equals("/webhook") || Doors.CONNECTOR_WEBHOOKS.equals(Doors.of(path))) {
            return "webhook";
        }
        if (path.equals("/batch") || path.startsWith("/batch/")) {
            return "batch";
        }
        if (path.equals("/credentials")) {
            return "credentials";
        }
        if (path.equals("/status")) {
            return "status";
        }
        if (path.equals("/actuator") || path.startsWith("/actuator/")) {
            return "actuator";
        }
        return "other";
    }
}
