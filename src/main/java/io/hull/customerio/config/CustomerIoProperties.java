package io.hull.customerio.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code customerio.*}: where the Track API is and how hard it may be used.
 * The credentials here are the fallback for notifications that carry none.
 */
@ConfigurationProperties("customerio")
public class CustomerIoProperties {

    private String trackUrl = "https://track.customer.io";
    private String siteId;
    private String apiKey;
    private int rateLimit = 100;
    private int attributesPerRequest = 30;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private final Webhook webhook = new Webhook();

    public String getTrackUrl() { return trackUrl; }
    public void setTrackUrl(String trackUrl) { this.trackUrl = trackUrl; }
    public String getSiteId() { return siteId; }
    public void setSiteId(String siteId) { this.siteId = siteId; }
    public String getApiKey() { return apiKey; }
    public void setApiKey(String apiKey) { this.apiKey = apiKey; }
    public int getRateLimit() { return rateLimit; }
    public void setRateLimit(int rateLimit) { this.rateLimit = rateLimit; }
    public int getAttributesPerRequest() { return attributesPerRequest; }
    public void setAttributesPerRequest(int attributesPerRequest) { this.attributesPerRequest = attributesPerRequest; }
    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
    public Duration getRequestTimeout() { return requestTimeout; }
    public void setRequestTimeout(Duration requestTimeout) { this.requestTimeout = requestTimeout; }
    public Webhook getWebhook() { return webhook; }

    /** Never print the API key. */
    @Override
    public String toString() {
        return "CustomerIoProperties[trackUrl=" + trackUrl + ", siteId=" + siteId + ", rateLimit=" + rateLimit + "]";
    }

    public static class Webhook {
        private String signingKey;
        private String token;

        public String getSigningKey() { return signingKey; }
        public void setSigningKey(String signingKey) { this.signingKey = signingKey; }
        public String getToken() { return token; }
        public void setToken(String token) { this.token = token; }

        @Override
        public String toString() {
            return "Webhook[signingKey=" + (signingKey == null ? "unset" : "***") + ", token=" + (token == null ? "unset" : "***") + "]";
        }
    }
}
