package io.hull.customerio.kafka;

import io.hull.customerio.config.ConnectorProperties;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The routes of routes/kafka-transport.yaml are declared autoStartup: false; they are started here
 * when connector.transport=kafka. Camel starts the producers of unstarted routes all the same, so the
 * Kafka component is lazy-start-producer (application.yaml): the direct mode never opens a Kafka client
 * (OperationsTest).
 */
@Component
public class KafkaTransport implements CamelContextConfiguration {

    public static final List<String> ROUTES = List.of("write-user-update-records", "publish-user-updates", "publish-batch-users", "publish-webhooks",
            "hull-user-updates-consumer", "customerio-webhooks-consumer");

    private static final Logger log = LoggerFactory.getLogger(KafkaTransport.class);

    private final ConnectorProperties connector;

    public KafkaTransport(ConnectorProperties connector) {
        this.connector = connector;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        if (!"kafka".equals(connector.getTransport())) {
            return;
        }
        for (String route : ROUTES) {
            try {
                camelContext.getRouteController().startRoute(route);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start Kafka route " + route, e);
            }
        }
        log.info("Kafka transport: topics {} and {}, consumer group {}", connector.getKafka().getUserTopic(),
                connector.getKafka().getWebhookTopic(), connector.getKafka().getGroupId());
    }
}
