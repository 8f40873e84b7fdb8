package io.hull.customerio.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** {@code connector.*}: how the connector itself behaves, and the fallback connector settings. */
@ConfigurationProperties("connector")
public class ConnectorProperties {

    private String transport = "direct";
    /** Hull gives up on a notification after about 30 s; answer before that. */
    private Duration notificationTimeout = Duration.ofSeconds(25);
    /** Hull sends notifications of 10 MB and more. */
    private DataSize maxNotificationSize = DataSize.ofMegabytes(32);
    /** How much of a body over its endpoint's limit is read into nothing, so that its sender gets the 413. */
    private DataSize maxDiscardedBodySize = DataSize.ofMegabytes(64);
    /** Notification and batch bodies held in memory at once; unset: a share of the heap (see {@link #bodyMemory}). */
    private DataSize maxBodyMemory;
    private final FlowControl flowControl = new FlowControl();
    private final Settings settings = new Settings();
    private final Kafka kafka = new Kafka();
    private final Customization customization = new Customization();
    /** The connector's address as Customer.io reaches it: GET /credentials builds webhook URLs on it. */
    private String publicUrl;
    /** {@code keyId:base64key} (AES-256: 32 bytes): the first makes new webhook URL tokens, every one is accepted. */
    private List<String> webhookUrlKeys = new ArrayList<>();

    public String getTransport() { return transport; }
    public void setTransport(String transport) { this.transport = transport; }
    public Duration getNotificationTimeout() { return notificationTimeout; }
    public void setNotificationTimeout(Duration notificationTimeout) { this.notificationTimeout = notificationTimeout; }
    public DataSize getMaxNotificationSize() { return maxNotificationSize; }
    public void setMaxNotificationSize(DataSize maxNotificationSize) { this.maxNotificationSize = maxNotificationSize; }
    public DataSize getMaxDiscardedBodySize() { return maxDiscardedBodySize; }
    public void setMaxDiscardedBodySize(DataSize maxDiscardedBodySize) { this.maxDiscardedBodySize = maxDiscardedBodySize; }
    public DataSize getMaxBodyMemory() { return maxBodyMemory; }
    public void setMaxBodyMemory(DataSize maxBodyMemory) { this.maxBodyMemory = maxBodyMemory; }
    public FlowControl getFlowControl() { return flowControl; }

    /**
     * {@code max-body-memory}, or when unset a fifth of the heap's maximum: a body takes about three times its size
     * while it is worked on (the bytes, a copy, the parsed JSON), so the bodies held stay under about 60 % of the heap.
     */
    public long bodyMemory() {
        return maxBodyMemory != null ? maxBodyMemory.toBytes() : Runtime.getRuntime().maxMemory() / 5;
    }
    public String getPublicUrl() { return publicUrl; }
    public void setPublicUrl(String publicUrl) { this.publicUrl = publicUrl; }
    public List<String> getWebhookUrlKeys() { return webhookUrlKeys; }
    public void setWebhookUrlKeys(List<String> keys) { this.webhookUrlKeys = keys == null ? new ArrayList<>() : keys; }
    public Settings getSettings() { return settings; }
    public Kafka getKafka() { return kafka; }
    public Customization getCustomization() { return customization; }

    /** {@code connector.customization.*}: what routes/customize.yaml needs beyond what the connector reads. */
    public static class Customization {
        /** Fields of the Hull user (property hullUser) the engineer's steps read, kept by the notification parser. */
        private List<String> userFields = new ArrayList<>();

        public List<String> getUserFields() { return userFields; }
        public void setUserFields(List<String> userFields) { this.userFields = userFields == null ? new ArrayList<>() : userFields; }
    }

    /** {@code connector.kafka.*}: the Kafka transport (brokers and client options are camel.component.kafka.*). */
    public static class Kafka {
        private String userTopic = "hull-user-updates";
        private String webhookTopic = "customerio-webhooks";
        private String groupId = "hull-customerio-connector";
        /** Tries of one record (the first included) before it goes to {@code <topic>.dlq}. */
        private int maxAttempts = 5;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(30);
        /** Most time the Customer.io calls of one round of a poll may take, rate-limit waits included. */
        private Duration roundTimeout = Duration.ofSeconds(60);
        /** Records a consumer takes per poll and works on together. */
        private int batchSize = 100;
        /** How long a consumer waits for a poll to fill before working on what it has. */
        private int batchWaitMs = 200;
        /** Consumers (threads, members of the group) per instance and topic. */
        private int consumers = 1;

        public String getUserTopic() { return userTopic; }
        public void setUserTopic(String v) { this.userTopic = v; }
        public String getWebhookTopic() { return webhookTopic; }
        public void setWebhookTopic(String v) { this.webhookTopic = v; }
        public String getGroupId() { return groupId; }
        public void setGroupId(String v) { this.groupId = v; }
        public int getMaxAttempts() { return maxAttempts; }
        public void setMaxAttempts(int v) { this.maxAttempts = v; }
        public Duration getInitialBackoff() { return initialBackoff; }
        public void setInitialBackoff(Duration v) { this.initialBackoff = v; }
        public Duration getMaxBackoff() { return maxBackoff; }
        public void setMaxBackoff(Duration v) { this.maxBackoff = v; }
        public Duration getRoundTimeout() { return roundTimeout; }
        public void setRoundTimeout(Duration v) { this.roundTimeout = v; }
        public int getBatchSize() { return batchSize; }
        public void setBatchSize(int v) { this.batchSize = v; }
        public int getBatchWaitMs() { return batchWaitMs; }
        public void setBatchWaitMs(int v) { this.batchWaitMs = v; }
        public int getConsumers() { return consumers; }
        public void setConsumers(int v) { this.consumers = v; }
    }

    /** What Hull is told to do next: how many messages to send and after how long. */
    public static class FlowControl {
        private int nextSize = 100;
        private long nextInMillis = 1;
        private long retryInMillis = 10_000;

        public int getNextSize() { return nextSize; }
        public void setNextSize(int nextSize) { this.nextSize = nextSize; }
        public long getNextInMillis() { return nextInMillis; }
        public void setNextInMillis(long nextInMillis) { this.nextInMillis = nextInMillis; }
        public long getRetryInMillis() { return retryInMillis; }
        public void setRetryInMillis(long retryInMillis) { this.retryInMillis = retryInMillis; }
    }

    /**
     * Fallbacks for the connector settings a notification carries in {@code connector.private_settings}.
     * Same names as Hull's (snake_case works in application.yaml through relaxed binding).
     */
    public static class Settings {
        private List<String> synchronizedSegments = new ArrayList<>();
        private boolean enableUserDeletion = false;
        private List<String> eventsFilter = new ArrayList<>();
        private boolean anonymousEvents = false;
        private String userIdMapping = "external_id";
        private List<String> synchronizedAttributes = new ArrayList<>();
        private int maxAttributeNameLength = 150;
        private int maxAttributeValueLength = 1000;
        private int maxIdentifierValueLength = 150;
        /** Hull's connector skipped them: Customer.io bills every profile, and one without an email gets no campaign email. */
        private boolean skipUsersWithoutEmail = true;
        private List<String> synchronizedAccountSegments = new ArrayList<>();
        private List<String> synchronizedAccountAttributes = new ArrayList<>();
        private String accountIdMapping = "external_id";
        private String objectTypeId = "1";
        private boolean enableAccountDeletion = false;
        private boolean linkUsersInService = true;
        private List<String> suppressedSegments = new ArrayList<>();
        private boolean mergeCustomersOnIdChange = true;

        public List<String> getSynchronizedSegments() { return synchronizedSegments; }
        public void setSynchronizedSegments(List<String> v) { this.synchronizedSegments = v; }
        public boolean isEnableUserDeletion() { return enableUserDeletion; }
        public void setEnableUserDeletion(boolean v) { this.enableUserDeletion = v; }
        public List<String> getEventsFilter() { return eventsFilter; }
        public void setEventsFilter(List<String> v) { this.eventsFilter = v; }
        public boolean isAnonymousEvents() { return anonymousEvents; }
        public void setAnonymousEvents(boolean v) { this.anonymousEvents = v; }
        public String getUserIdMapping() { return userIdMapping; }
        public void setUserIdMapping(String v) { this.userIdMapping = v; }
        public List<String> getSynchronizedAttributes() { return synchronizedAttributes; }
        public void setSynchronizedAttributes(List<String> v) { this.synchronizedAttributes = v; }
        public int getMaxAttributeNameLength() { return maxAttributeNameLength; }
        public void setMaxAttributeNameLength(int v) { this.maxAttributeNameLength = v; }
        public int getMaxAttributeValueLength() { return maxAttributeValueLength; }
        public void setMaxAttributeValueLength(int v) { this.maxAttributeValueLength = v; }
        public int getMaxIdentifierValueLength() { return maxIdentifierValueLength; }
        public void setMaxIdentifierValueLength(int v) { this.maxIdentifierValueLength = v; }
        public boolean isSkipUsersWithoutEmail() { return skipUsersWithoutEmail; }
        public void setSkipUsersWithoutEmail(boolean v) { this.skipUsersWithoutEmail = v; }
        public List<String> getSynchronizedAccountSegments() { return synchronizedAccountSegments; }
        public void setSynchronizedAccountSegments(List<String> v) { this.synchronizedAccountSegments = v; }
        public List<String> getSynchronizedAccountAttributes() { return synchronizedAccountAttributes; }
        public void setSynchronizedAccountAttributes(List<String> v) { this.synchronizedAccountAttributes = v; }
        public String getAccountIdMapping() { return accountIdMapping; }
        public void setAccountIdMapping(String v) { this.accountIdMapping = v; }
        public String getObjectTypeId() { return objectTypeId; }
        public void setObjectTypeId(String v) { this.objectTypeId = v; }
        public boolean isEnableAccountDeletion() { return enableAccountDeletion; }
        public void setEnableAccountDeletion(boolean v) { this.enableAccountDeletion = v; }
        public boolean isMergeCustomersOnIdChange() { return mergeCustomersOnIdChange; }
        public void setMergeCustomersOnIdChange(boolean v) { this.mergeCustomersOnIdChange = v; }
        public List<String> getSuppressedSegments() { return suppressedSegments; }
        public void setSuppressedSegments(List<String> v) { this.suppressedSegments = v; }
        public boolean isLinkUsersInService() { return linkUsersInService; }
        public void setLinkUsersInService(boolean v) { this.linkUsersInService = v; }
    }
}
