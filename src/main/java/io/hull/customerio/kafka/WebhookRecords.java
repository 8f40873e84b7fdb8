package io.hull.customerio.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hull.customerio.config.HullProperties;
import io.hull.customerio.hull.HullCredentials;
import io.hull.customerio.webhook.HullTrackTickets;
import io.hull.customerio.webhook.WebhookEventMapper;
import java.io.IOException;
import java.util.Map;
import org.apache.camel.ExchangeProperties;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Headers;
import org.apache.camel.component.kafka.KafkaConstants;
import org.springframework.stereotype.Component;

/**
 * The webhook records of the Kafka transport: {@code ["hull-connector-webhook", {organization, connector_id, secret},
 * {the webhook}]}, keyed by the Hull connector id, so that one connector's webhooks keep their order and the consumer
 * writes each to its own connector. A list, not an object: a consumer of a release before connector URLs (during a
 * rolling upgrade) refuses it as no webhook and dead-letters it (replayable), where an object would pass for a webhook
 * that names nobody and be dropped. The record holds the connector's secret: protect the topic. A record of that older
 * release is the webhook alone: it goes to the configured {@code hull.*} connector.
 */
@Component("webhookRecords")
public class WebhookRecords {

    static final String MARKER = "hull-connector-webhook";

    private final ObjectMapper json;
    private final WebhookEventMapper mapper;
    private final HullCredentials configured;

    public WebhookRecords(ObjectMapper json, WebhookEventMapper mapper, HullProperties hull) {
        this.json = json;
        this.mapper = mapper;
        this.configured = new HullCredentials(hull.getOrganization(), hull.getConnectorId(), hull.getSecret());
    }

    /** Step webhook-record of route publish-webhooks: the record's value, its key the connector id. */
    public byte[] record(@ExchangeProperty("webhookBody") byte[] webhook, @ExchangeProperty(HullTrackTickets.HULL) HullCredentials hull,
                         @Headers Map<String, Object> headers) throws IOException {
        ArrayNode record = json.createArrayNode();
        record.add(MARKER);
        ObjectNode connector = record.addObject();
        connector.put("organization", hull.organization());
        connector.put("connector_id", hull.connectorId());
        connector.put("secret", hull.secret());
        record.add(json.readTree(webhook));
        headers.put(KafkaConstants.KEY, hull.connectorId());
        return json.writeValueAsBytes(record);
    }

    /**
     * Step read-webhook-record of route track-webhook-record: the webhook (checked as at the door), and property
     * {@value HullTrackTickets#HULL}, the connector it goes to.
     */
    public JsonNode read(@ExchangeProperty(KafkaBatches.ENTRY) KafkaBatch.Entry entry, @ExchangeProperties Map<String, Object> properties) {
        byte[] value = entry.value() instanceof byte[] bytes ? bytes : String.valueOf(entry.value()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        JsonNode record = readTree(value);
        if (!(record instanceof ArrayNode list) || list.size() != 3 || !MARKER.equals(list.get(0).asText())) {
            record = mapper.parse(value);
            if (!configured.complete()) {
                throw new BadRecordException("a webhook record without its connector, and no hull.* connector configured");
            }
            properties.put(HullTrackTickets.HULL, configured);
            return record;
        }
        JsonNode hull = record.get(1);
        HullCredentials connector = new HullCredentials(hull.path("organization").asText(null),
                hull.path("connector_id").asText(null), hull.path("secret").asText(null));
        if (!connector.complete() || !record.get(2).isObject()) {
            throw new BadRecordException("a webhook record without a complete connector or a webhook object");
        }
        properties.put(HullTrackTickets.HULL, connector);
        return record.get(2);
    }

    /** The record as JSON; a record that is none is refused as the door refuses such a body (dead-lettered). */
    private JsonNode readTree(byte[] value) {
        try {
            return json.readTree(value);
        } catch (IOException e) {
            return mapper.parse(value);
        }
    }
}
