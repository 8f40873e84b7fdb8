package io.hull.customerio.customerio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.errors.NetworkErrors;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Headers;
import org.apache.camel.component.http.HttpMethods;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Which Track URL a site's calls go to. {@code customerio.track-url} when it is set, for every site; otherwise the
 * one Customer.io names for the site's region ({@code GET /api/v1/accounts/region}, asked at
 * {@code customerio.region-url} by route {@code customerio-region-lookup} the first time a site is called, then
 * remembered). A site whose region is not known is never sent to a guessed one: its calls fail, are retried like a
 * busy Customer.io, and {@code /status} says why.
 */
@Component("customerIoRegions")
public class CustomerIoRegions {

    /** Exchange property of route customerio-region-lookup: the site asked about. */
    public static final String SITE_PROPERTY = "customerIoSite";
    static final String REGION_PATH = "/api/v1/accounts/region";
    /** Sites remembered; a workspace's region never changes, so nothing expires but by size. */
    private static final int MAX_SITES = 10_000;
    private static final Duration FAILURE_SHOWN = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(CustomerIoRegions.class);

    /** What Customer.io answered for a site: its data center ({@code us}, {@code eu}) and its Track URL. */
    public record Region(String dataCenter, String trackUrl) {}

    /** Why a site's region is not known, and since when. */
    public record Failure(String reason, Instant at) {}

    private final ObjectMapper json;
    private final CustomerIoProperties properties;
    private final CustomerIoCalls calls;
    private final Cache<String, Region> regions = Caffeine.newBuilder().maximumSize(MAX_SITES).build();
    /** A site no longer called drops out of /status an hour after its last failed lookup. */
    private final Cache<String, Failure> failures = Caffeine.newBuilder().maximumSize(MAX_SITES)
            .expireAfterWrite(FAILURE_SHOWN).build();

    public CustomerIoRegions(ObjectMapper json, CustomerIoProperties properties, CustomerIoCalls calls) {
        this.json = json;
        this.properties = properties;
        this.calls = calls;
    }

    private String configuredTrackUrl() {
        return properties.configuredTrackUrl();
    }

    /**
     * Step {@code site-track-url}: header {@code CamelHttpUri} = the call's Track URL, when it is known. Unknown:
     * no header, and route customerio-attempt asks Customer.io (step {@code look-up-region}).
     */
    public void trackUrl(@ExchangeProperty(CustomerIoCalls.CALL_PROPERTY) CustomerIoCall call, @Headers Map<String, Object> headers) {
        String configured = configuredTrackUrl();
        String url = configured != null ? configured : trackUrlOf(call.siteId());
        if (url != null) {
            headers.put(Exchange.HTTP_URI, url);
        }
    }

    /** Step {@code site-track-url-looked-up}: the Track URL just learnt (gone again, at 10,000 sites: asked again, later). */
    public void lookedUpTrackUrl(@ExchangeProperty(CustomerIoCalls.CALL_PROPERTY) CustomerIoCall call, @Headers Map<String, Object> headers) {
        String url = trackUrlOf(call.siteId());
        if (url == null) {
            throw new RegionUnknownException("the region of site " + call.siteId() + " was forgotten as soon as learnt; asked again");
        }
        headers.put(Exchange.HTTP_URI, url);
    }

    private String trackUrlOf(String siteId) {
        Region region = regions.getIfPresent(siteId);
        return region == null ? null : region.trackUrl();
    }

    /**
     * Step {@code region-request}: {@code GET /api/v1/accounts/region} with the site's Basic auth, at
     * {@code customerio.track-url} when it is set (then it only checks the credentials, for /status), else at
     * {@code customerio.region-url}.
     */
    public void request(@ExchangeProperty(SITE_PROPERTY) CustomerIoCredentials site,
                        @ExchangeProperty(CustomerIoCalls.DEADLINE_PROPERTY) Deadline deadline, @Headers Map<String, Object> headers) {
        headers.put(Exchange.HTTP_METHOD, HttpMethods.GET);
        String configured = configuredTrackUrl();
        headers.put(Exchange.HTTP_URI, configured != null ? configured : properties.getRegionUrl());
        headers.put(Exchange.HTTP_PATH, REGION_PATH);
        headers.put("Authorization", site.authorization());
        headers.put("Accept", "application/json");
        // within what is left of the call's deadline (none for /status): the lookup is part of the call's attempt
        long timeout = deadline == null ? properties.getRequestTimeout().toMillis() : calls.attemptMillis(deadline);
        if (timeout < 0) {
            throw new RegionUnknownException("the region of site " + site.siteId() + " not asked: no time left before the "
                    + "notification must be answered");
        }
        headers.put(AttemptCutOff.HEADER, timeout);
    }

    /**
     * Step {@code learn-region}: 200 with a usable {@code url} → remembered for the site. 401/403 → the credentials
     * are refused ({@link CustomerIoRejectedException}, final, as a refused call is). Anything else →
     * {@link RegionUnknownException}, tried again.
     */
    public void learn(@ExchangeProperty(SITE_PROPERTY) CustomerIoCredentials site,
                      @Header(Exchange.HTTP_RESPONSE_CODE) int status, @org.apache.camel.Body String body) {
        String siteId = site.siteId();
        calls.count("GET", REGION_PATH, (status / 100) + "xx");
        if (status == 401 || status == 403) {
            String reason = "Customer.io refused the credentials of site " + siteId + " (HTTP " + status
                    + " to GET " + REGION_PATH + "): check its site_id and api_key";
            regions.invalidate(siteId);
            failed(siteId, reason);
            throw new CustomerIoRejectedException(status, reason);
        }
        if (status != 200) {
            throw failed(siteId, new RegionUnknownException("Customer.io answered HTTP " + status + " to GET " + REGION_PATH
                    + " for site " + siteId + waiting()));
        }
        if (configuredTrackUrl() != null) {
            // the calls go to customerio.track-url: this was the credential check, and they work
            failures.invalidate(siteId);
            return;
        }
        Region region = region(body);
        if (region == null) {
            throw failed(siteId, new RegionUnknownException("Customer.io named no usable Track URL for site " + siteId
                    + " (GET " + REGION_PATH + " answered without an http(s) \"url\"); set customerio.track-url"));
        }
        if (regions.getIfPresent(siteId) == null) {
            LOG.info("site {} is in region {}: its calls go to {}", siteId, region.dataCenter(), region.trackUrl());
        }
        regions.put(siteId, region);
        failures.invalidate(siteId);
    }

    /** Step {@code region-unreachable}: the lookup's network failure, as a region not known (tried again). */
    public void unreachable(@ExchangeProperty(SITE_PROPERTY) CustomerIoCredentials site, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e) {
        calls.count("GET", REGION_PATH, "unreachable");
        String cause = e instanceof IOException io ? NetworkErrors.describe(io) : e.getClass().getSimpleName();
        throw failed(site.siteId(), new RegionUnknownException("Customer.io cannot be reached with GET " + REGION_PATH
                + " for site " + site.siteId() + " (" + cause + ")" + waiting()));
    }

    /** What the failure means for the site's calls: none when customerio.track-url says where they go. */
    private String waiting() {
        return configuredTrackUrl() != null ? "" : "; its calls are retried (customerio.retry.*), then handed back to Hull, "
                + "never sent to a guessed region";
    }

    private Region region(String body) {
        try {
            JsonNode answer = body == null ? null : json.readTree(body);
            String url = answer == null ? null : answer.path("url").textValue();
            if (url == null) {
                return null;
            }
            URI uri = new URI(url);
            // https, as the Basic auth it carries needs; http only when region-url itself is (a local stand-in)
            boolean plainAllowed = properties.getRegionUrl() != null && properties.getRegionUrl().startsWith("http:");
            boolean scheme = "https".equals(uri.getScheme()) || plainAllowed && "http".equals(uri.getScheme());
            if (!scheme || uri.getHost() == null || uri.getUserInfo() != null || uri.getQuery() != null || url.contains("{{")) {
                return null;
            }
            String dataCenter = answer.path("data_center").isTextual() ? answer.path("data_center").textValue() : "unknown";
            return new Region(dataCenter, CustomerIoProperties.baseUrl(url));
        } catch (IOException | URISyntaxException e) {
            return null;
        }
    }

    private RegionUnknownException failed(String siteId, RegionUnknownException e) {
        failed(siteId, e.getMessage());
        return e;
    }

    /** A failed lookup is recorded for /status; a region already known stays (only refused credentials forget it). */
    private void failed(String siteId, String reason) {
        failures.put(siteId, new Failure(reason, Instant.now()));
        LOG.warn(reason);
    }

    /** The site's region, when known. */
    public Region regionOf(String siteId) {
        return regions.getIfPresent(siteId);
    }

    /** Why the site's region is not known, when its last lookup failed. */
    public Failure failureOf(String siteId) {
        return failures.getIfPresent(siteId);
    }

    /** For /status: every site asked about, with its region or why it is not known. */
    public List<Map<String, Object>> report() {
        TreeSet<String> sites = new TreeSet<>(regions.asMap().keySet());
        sites.addAll(failures.asMap().keySet());
        List<Map<String, Object>> report = new ArrayList<>();
        for (String siteId : sites) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("site_id", siteId);
            Region region = regions.getIfPresent(siteId);
            Failure failure = failures.getIfPresent(siteId);
            if (region != null) {
                entry.put("region", region.dataCenter());
                entry.put("track_url", region.trackUrl());
            }
            if (failure != null) {
                entry.put("error", failure.reason());
                entry.put("since", failure.at().toString());
            }
            if (region == null && failure == null) {
                continue;
            }
            report.add(entry);
        }
        return report;
    }

    /** The site's Track URL is not known yet: its calls are tried again, never sent to a guessed region. */
    public static class RegionUnknownException extends RuntimeException {
        public RegionUnknownException(String message) {
            super(message, null, false, false);
        }
    }
}
