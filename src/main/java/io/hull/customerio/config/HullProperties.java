package io.hull.customerio.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

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
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private final Notifier notifier = new Notifier();

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
    public Duration getStatusReportInterval() { return statusReportInterval; }
    public void setStatusReportInterval(Duration statusReportInterval) { this.statusReportInterval = statusReportInterval; }
    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
    public Duration getRequestTimeout() { return requestTimeout; }
    public void setRequestTimeout(Duration requestTimeout) { this.requestTimeout = requestTimeout; }
    public Notifier getNotifier() { return notifier; }

    /** Never print the secret. */
    @Override
    public String toString() {
        return "HullProperties[organization=" + organization + ", connectorId=" + connectorId + "]";
    }

    public static class Notifier {
        /** Spring resource location of the PEM public key ({@code file:...}, {@code classpath:...}). */
        private String publicKey;
        private boolean verifySignature = true;

        public String getPublicKey() { return publicKey; }
        public void setPublicKey(String publicKey) { this.publicKey = publicKey; }
        public boolean isVerifySignature() { return verifySignature; }
        public void setVerifySignature(boolean verifySignature) { this.verifySignature = verifySignature; }
    }
}
