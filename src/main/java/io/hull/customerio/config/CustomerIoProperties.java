package io.hull.customerio.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code customerio.*}: where the Track API is and how hard it may be used.
 * The credentials here are the fallback for notifications that carry none.
 */
@ConfigurationProperties("customerio")
public class CustomerIoProperties {

    /** Unset: each site's Track URL is the one Customer.io names for its region, asked at {@link #regionUrl}. */
    private String trackUrl;
    /** {@link #trackUrl} as the calls use it, worked out once when it is set: every Customer.io attempt reads it. */
    private String configuredTrackUrl;
    private String regionUrl = "https://track.customer.io";
    private String siteId;
    private String apiKey;
    private int rateLimit = 100;
    private int attributesPerRequest = 30;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private int syncedHashes = 100_000;
    private String api = "v1";
    private final Batch batch = new Batch();
    private final Webhook webhook = new Webhook();
    private final Retry retry = new Retry();

    public String getTrackUrl() { return trackUrl; }
    public void setTrackUrl(String trackUrl) {
        this.trackUrl = trackUrl;
        this.configuredTrackUrl = trackUrl == null || trackUrl.isBlank() ? null : baseUrl(trackUrl);
    }
    /** {@code track-url} when set (blank counts as unset), trimmed and without a trailing {@code /}, else {@code null}. */
    public String configuredTrackUrl() { return configuredTrackUrl; }
    /** Where {@code GET /api/v1/accounts/region} is asked: Customer.io answers it there for workspaces of every region. */
    public String getRegionUrl() { return regionUrl; }
    public void setRegionUrl(String regionUrl) { this.regionUrl = regionUrl == null ? null : baseUrl(regionUrl); }

    /** A base URL the calls' paths are appended to: trimmed, without trailing {@code /}. */
    public static String baseUrl(String url) {
        String base = url.trim();
        int end = base.length();
        while (end > 0 && base.charAt(end - 1) == '/') {
            end--;
        }
        return base.substring(0, end);
    }
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
    /** Customers whose last written payload this process remembers (its hash), across sites; 0: none. */
    public int getSyncedHashes() { return syncedHashes; }
    public void setSyncedHashes(int syncedHashes) { this.syncedHashes = syncedHashes; }
    /** {@code v1}: a Track API v1 call per identify, delete or event; {@code v2-batch}: them all as items of v2 batches. */
    public String getApi() { return api; }
    public void setApi(String api) { this.api = api; }
    public boolean isV2Batch() { return "v2-batch".equals(api); }
    public Batch getBatch() { return batch; }
    public Webhook getWebhook() { return webhook; }
    public Retry getRetry() { return retry; }

    /** Never print the API key. */
    @Override
    public String toString() {
        return "CustomerIoProperties[trackUrl=" + trackUrl + ", regionUrl=" + regionUrl + ", siteId=" + siteId + ", rateLimit=" + rateLimit + "]";
    }

    /**
     * {@code customerio.retry.*}: 429, 5xx, timeouts and refused connections are tried again with
     * exponential backoff and jitter (or after Retry-After), until {@code maxAttempts} or until
     * {@code maxElapsed} after the notification arrived, whichever comes first.
     */
    /** {@code customerio.api=v2-batch}: how items are gathered into {@code POST /api/v2/batch} requests, per site. */
    public static class Batch {
        /** Customer.io's limit of a request. */
        public static final DataSize MAX_BYTES = DataSize.ofKilobytes(500);
        /** Customer.io's limit of an item. */
        public static final DataSize MAX_ITEM_BYTES = DataSize.ofKilobytes(32);

        private DataSize maxBytes = MAX_BYTES;
        private int maxItems = 1000;
        private Duration maxWait = Duration.ofMillis(200);
        private int attributesPerIdentify = 300;
        private int splitAfterFailures = 2;

        public DataSize getMaxBytes() { return maxBytes; }
        public void setMaxBytes(DataSize maxBytes) { this.maxBytes = maxBytes; }
        public int getMaxItems() { return maxItems; }
        public void setMaxItems(int maxItems) { this.maxItems = maxItems; }
        public Duration getMaxWait() { return maxWait; }
        public void setMaxWait(Duration maxWait) { this.maxWait = maxWait; }
        public int getAttributesPerIdentify() { return attributesPerIdentify; }
        public void setAttributesPerIdentify(int attributesPerIdentify) { this.attributesPerIdentify = attributesPerIdentify; }
        public int getSplitAfterFailures() { return splitAfterFailures; }
        public void setSplitAfterFailures(int splitAfterFailures) { this.splitAfterFailures = splitAfterFailures; }
    }

    public static class Retry {
        private int maxAttempts = 5;
        private Duration initialBackoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(5);
        /** Must leave room, within connector.notification-timeout, for the write-back to Hull and the answer. */
        private Duration maxElapsed = Duration.ofSeconds(15);

        public int getMaxAttempts() { return maxAttempts; }
        public void setMaxAttempts(int maxAttempts) { this.maxAttempts = maxAttempts; }
        public Duration getInitialBackoff() { return initialBackoff; }
        public void setInitialBackoff(Duration initialBackoff) { this.initialBackoff = initialBackoff; }
        public Duration getMaxBackoff() { return maxBackoff; }
        public void setMaxBackoff(Duration maxBackoff) { this.maxBackoff = maxBackoff; }
        public Duration getMaxElapsed() { return maxElapsed; }
        public void setMaxElapsed(Duration maxElapsed) { this.maxElapsed = maxElapsed; }
    }

    /**
     * {@code customerio.webhook.*}: how {@code POST /webhook} checks Customer.io's reporting webhooks and how
     * long it may wait for Hull. Customer.io gives up on a webhook after 4 s, so the Hull timings below add up
     * to well under that.
     */
    public static class Webhook {
        private String signingKey;
        private String token;
        /** Off (null) by default: Customer.io re-delivers failed webhooks, with their first signature, for up to 7 days. */
        private Duration maxSignatureAge;
        private DataSize maxBodySize = DataSize.ofMegabytes(1);
        /** Webhook bodies held in memory at once; unset: a sixteenth of the heap (see {@link #bodyMemory}). */
        private DataSize maxBodyMemory;
        /** Longest wait for Hull's firehose before answering 503 (Customer.io then retries). */
        private Duration answerTimeout = Duration.ofMillis(2500);
        /** Timeout of one firehose attempt. */
        private Duration hullTimeout = Duration.ofSeconds(1);
        /** Further attempts after Hull answered 429/5xx or did not answer; only while answer-timeout allows. */
        private int hullRetries = 1;
        private Duration hullRetryDelay = Duration.ofMillis(100);
        /** How long a webhook waits for others to share its firehose request. */
        private Duration batchWindow = Duration.ofMillis(10);
        /** Most track calls in one firehose request (Hull takes at most 100). */
        private int batchSize = 100;

        public String getSigningKey() { return signingKey; }
        public void setSigningKey(String signingKey) { this.signingKey = signingKey; }
        public String getToken() { return token; }
        public void setToken(String token) { this.token = token; }
        public Duration getMaxSignatureAge() { return maxSignatureAge; }
        public void setMaxSignatureAge(Duration maxSignatureAge) { this.maxSignatureAge = maxSignatureAge; }
        public DataSize getMaxBodySize() { return maxBodySize; }
        public void setMaxBodySize(DataSize maxBodySize) { this.maxBodySize = maxBodySize; }
        public DataSize getMaxBodyMemory() { return maxBodyMemory; }
        public void setMaxBodyMemory(DataSize maxBodyMemory) { this.maxBodyMemory = maxBodyMemory; }

        /**
         * {@code max-body-memory}, or when unset a sixteenth of the heap's maximum (16 MB of a 256 MB heap: thousands
         * of webhooks of a few KB, sixteen of the largest). Its own budget, not the notifications': a webhook signed
         * only by its body cannot be refused before it is read, and must not crowd Hull's notifications out.
         */
        public long bodyMemory() {
            return maxBodyMemory != null ? maxBodyMemory.toBytes() : Runtime.getRuntime().maxMemory() / 16;
        }
        public Duration getAnswerTimeout() { return answerTimeout; }
        public void setAnswerTimeout(Duration answerTimeout) { this.answerTimeout = answerTimeout; }
        public Duration getHullTimeout() { return hullTimeout; }
        public void setHullTimeout(Duration hullTimeout) { this.hullTimeout = hullTimeout; }
        public int getHullRetries() { return hullRetries; }
        public void setHullRetries(int hullRetries) { this.hullRetries = hullRetries; }
        public Duration getHullRetryDelay() { return hullRetryDelay; }
        public void setHullRetryDelay(Duration hullRetryDelay) { this.hullRetryDelay = hullRetryDelay; }
        public Duration getBatchWindow() { return batchWindow; }
        public void setBatchWindow(Duration batchWindow) { this.batchWindow = batchWindow; }
        public int getBatchSize() { return batchSize; }
        public void setBatchSize(int batchSize) { this.batchSize = batchSize; }

        @Override
        public String toString() {
            return "Webhook[signingKey=" + (signingKey == null ? "unset" : "***") + ", token=" + (token == null ? "unset" : "***") + "]";
        }
    }
}
