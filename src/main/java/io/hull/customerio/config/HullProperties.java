package io.hull.customerio.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** {@code hull.*}: the Hull connector this service writes to, and how Hull's notifications are verified. */
@ConfigurationProperties("hull")
public class HullProperties {

    private String organization;
    private String connectorId;
    private String secret;
    /** Blank: derived from the organization, see {@link io.hull.customerio.hull.HullCredentials#firehoseUrl}. */
    private String firehoseUrl;
    /** Blank: {@code https://<organization>}; where the connector's status is reported. */
    private String apiUrl;
    /** How often the status is sent to Hull (Hull's own connectors: every 30 minutes). */
    private Duration statusReportInterval = Duration.ofMinutes(30);
    /** How long a connector's settings read from Hull (GET /api/v1/app) are reused; a ship:update refreshes them. */
    private Duration settingsCacheTtl = Duration.ofSeconds(60);
    /** How long Hull refusing a connector's credentials (401/403/404: the connector is gone) is remembered. */
    private Duration refusedConnectorTtl = Duration.ofSeconds(10);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private final Notifier notifier = new Notifier();
    private final Batch batch = new Batch();

    public String getOrganization() { return organization; }
    public void setOrganization(String organization) { this.organization = organization; }
    public String getConnectorId() { return connectorId; }
    public void setConnectorId(String connectorId) { this.connectorId = connectorId; }
    public String getSecret() { return secret; }
    public void setSecret(String secret) { this.secret = secret; }
    public String getFirehoseUrl() { return firehoseUrl; }
    public void setFirehoseUrl(String firehoseUrl) { this.firehoseUrl = firehoseUrl; }
    public String getApiUrl() { return apiUrl; }
    public void setApiUrl(String apiUrl) { this.apiUrl = apiUrl; }
    public Duration getSettingsCacheTtl() { return settingsCacheTtl; }
    public void setSettingsCacheTtl(Duration v) { this.settingsCacheTtl = v; }
    public Duration getRefusedConnectorTtl() { return refusedConnectorTtl; }
    public void setRefusedConnectorTtl(Duration v) { this.refusedConnectorTtl = v; }
    public Duration getStatusReportInterval() { return statusReportInterval; }
    public void setStatusReportInterval(Duration statusReportInterval) { this.statusReportInterval = statusReportInterval; }
    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
    public Duration getRequestTimeout() { return requestTimeout; }
    public void setRequestTimeout(Duration requestTimeout) { this.requestTimeout = requestTimeout; }
    public Notifier getNotifier() { return notifier; }
    public Batch getBatch() { return batch; }

    /** Never print the secret. */
    @Override
    public String toString() {
        return "HullProperties[organization=" + organization + ", connectorId=" + connectorId + "]";
    }

    public static class Notifier {
        /** Spring resource location of the PEM public key ({@code file:...}, {@code classpath:...}). */
        private String publicKey;
        private boolean verifySignature = true;
        /**
         * A signature issued ({@code iat}) longer ago than this is refused; zero: not checked. Hull re-sends a
         * notification within minutes, so an hour never refuses a re-send, even one that carries the first signature.
         */
        private Duration maxSignatureAge = Duration.ofHours(1);
        /** How many recently seen signatures ({@code jti} and a digest of their body) are remembered. */
        private int replayCacheSize = 20_000;

        public String getPublicKey() { return publicKey; }
        public void setPublicKey(String publicKey) { this.publicKey = publicKey; }
        public boolean isVerifySignature() { return verifySignature; }
        public void setVerifySignature(boolean verifySignature) { this.verifySignature = verifySignature; }
        public Duration getMaxSignatureAge() { return maxSignatureAge; }
        public void setMaxSignatureAge(Duration maxSignatureAge) { this.maxSignatureAge = maxSignatureAge; }
        public int getReplayCacheSize() { return replayCacheSize; }
        public void setReplayCacheSize(int replayCacheSize) { this.replayCacheSize = replayCacheSize; }
    }

    /** {@code hull.batch.*}: {@code POST /batch}, Hull's extracts of whole segments (backfills). */
    public static class Batch {
        /** Hosts extracts may be fetched from (exact names, case-insensitive). Empty: every batch is refused. */
        private List<String> allowedHosts = new ArrayList<>();
        /** Users planned and sent together; each chunk's write-back to Hull is one or more firehose batches. */
        private int chunkSize = 100;
        /** Jobs running at once; more wait in the queue. */
        private int maxRunningJobs = 2;
        /** Jobs waiting to run; a batch beyond this is refused with 503. */
        private int maxQueuedJobs = 10;
        /** Finished jobs whose status GET /batch/{id} still answers; the oldest are forgotten first. */
        private int finishedJobsKept = 100;
        /** Least time between two outgoing.job.progress lines of one job. */
        private Duration progressInterval = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(10);
        /** Until the extract's response headers arrive. */
        private Duration requestTimeout = Duration.ofSeconds(60);
        /** An extract that sends nothing for this long while a line is awaited ends the job (failed). */
        private Duration readTimeout = Duration.ofMinutes(2);
        /** The request body Hull sends (a URL and two words), not the extract. */
        private DataSize maxRequestSize = DataSize.ofKilobytes(64);

        public List<String> getAllowedHosts() { return allowedHosts; }
        public void setAllowedHosts(List<String> allowedHosts) { this.allowedHosts = allowedHosts; }
        public int getChunkSize() { return chunkSize; }
        public void setChunkSize(int chunkSize) { this.chunkSize = chunkSize; }
        public int getMaxRunningJobs() { return maxRunningJobs; }
        public void setMaxRunningJobs(int maxRunningJobs) { this.maxRunningJobs = maxRunningJobs; }
        public int getMaxQueuedJobs() { return maxQueuedJobs; }
        public void setMaxQueuedJobs(int maxQueuedJobs) { this.maxQueuedJobs = maxQueuedJobs; }
        public int getFinishedJobsKept() { return finishedJobsKept; }
        public void setFinishedJobsKept(int finishedJobsKept) { this.finishedJobsKept = finishedJobsKept; }
        public Duration getProgressInterval() { return progressInterval; }
        public void setProgressInterval(Duration progressInterval) { this.progressInterval = progressInterval; }
        public Duration getConnectTimeout() { return connectTimeout; }
        public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
        public Duration getRequestTimeout() { return requestTimeout; }
        public void setRequestTimeout(Duration requestTimeout) { this.requestTimeout = requestTimeout; }
        public Duration getReadTimeout() { return readTimeout; }
        public void setReadTimeout(Duration readTimeout) { this.readTimeout = readTimeout; }
        public DataSize getMaxRequestSize() { return maxRequestSize; }
        public void setMaxRequestSize(DataSize maxRequestSize) { this.maxRequestSize = maxRequestSize; }
    }
}
