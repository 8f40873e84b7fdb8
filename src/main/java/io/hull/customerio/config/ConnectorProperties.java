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
    private final FlowControl flowControl = new FlowControl();
    private final Settings settings = new Settings();

    public String getTransport() { return transport; }
    public void setTransport(String transport) { this.transport = transport; }
    public Duration getNotificationTimeout() { return notificationTimeout; }
    public void setNotificationTimeout(Duration notificationTimeout) { this.notificationTimeout = notificationTimeout; }
    public DataSize getMaxNotificationSize() { return maxNotificationSize; }
    public void setMaxNotificationSize(DataSize maxNotificationSize) { this.maxNotificationSize = maxNotificationSize; }
    public FlowControl getFlowControl() { return flowControl; }
    public Settings getSettings() { return settings; }

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
    }
}
