package io.hull.customerio.hull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hull.customerio.config.HullProperties;
import io.hull.customerio.errors.NetworkErrors;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes traits and track calls to Hull's firehose: {@code POST {firehose}/} with the connector's
 * headers and a batch of entries, each with its own user token. At most {@value #MAX_BATCH}
 * entries per request; entries of different connectors go in different requests. This class builds the
 * batches and judges the answers; route hull-firehose sends each batch (camel-http).
 */
@Component("firehoseClient")
public class FirehoseClient {

    public static final int MAX_BATCH = 100;

    /** The route that posts one batch: routes/hull-firehose.yaml. */
    static final String ROUTE = "direct:hull-firehose";

    private final ProducerTemplate camel;
    private final ObjectMapper json;
    private final HullProperties properties;
    private final FirehoseTokens tokens;
    private final MeterRegistry meters;

    public FirehoseClient(ObjectMapper json, HullProperties properties, FirehoseTokens tokens, MeterRegistry meters,
                          ProducerTemplate camel) {
        this.camel = camel;
        this.meters = meters;
        this.json = json;
        this.properties = properties;
        this.tokens = tokens;
    }

    public void send(List<FirehoseEntry> entries) {
        send(entries, properties.getRequestTimeout());
    }

    /** With a timeout of its own per request, for callers that must answer quickly (webhooks). */
    public void send(List<FirehoseEntry> entries, Duration requestTimeout) {
        Map<HullCredentials, List<FirehoseEntry>> byConnector = entries.stream()
                .collect(Collectors.groupingBy(FirehoseEntry::hull, LinkedHashMap::new, Collectors.toList()));
        byConnector.forEach((hull, ofConnector) -> {
            if (!hull.complete()) {
                throw new HullRejectedException(400, "cannot write to Hull: organization, connector id or secret is missing");
            }
            for (int from = 0; from < ofConnector.size(); from += MAX_BATCH) {
                post(hull, ofConnector.subList(from, Math.min(from + MAX_BATCH, ofConnector.size())), requestTimeout);
            }
        });
    }

    /** The request body, in Hull's batch format. */
    record Batch(List<Call> batch, String timestamp, String sentAt) {
    }

    /** One call of a batch, with the token that says which user it is about. */
    record Call(String type, Map<String, String> headers, Map<String, Object> body, String timestamp) {
    }

    private void post(HullCredentials hull, List<FirehoseEntry> entries, Duration requestTimeout) {
        String now = Instant.now().toString();
        List<Call> calls = new ArrayList<>(entries.size());
        for (FirehoseEntry entry : entries) {
            calls.add(new Call(entry.type(), Map.of("Hull-Access-Token", tokens.asUser(hull, entry.claims())),
                    entry.body(), now));
        }
        Batch body = new Batch(calls, now, now);
        URI url = URI.create(hull.firehoseUrl(properties.getFirehoseUrl()).toString().replaceAll("/+$", "") + "/");
        // route hull-firehose makes the call (camel-http); a status of its answer is ours to judge
        Exchange call = camel.request(ROUTE, exchange -> {
            exchange.getMessage().setBody(toJson(body));
            exchange.setProperty("hull", hull);
            exchange.setProperty("firehoseUrl", url.toString());
            exchange.setProperty("firehoseTimeoutMs", requestTimeout.toMillis());
            exchange.setProperty("firehoseConnectTimeoutMs", properties.getConnectTimeout().toMillis());
        });
        Exception failure = call.getException();
        if (failure != null) {
            count(entries, "unreachable");
            throw new HullUnavailableException("Hull firehose " + url.getHost() + " unreachable: " + NetworkErrors.describe(failure),
                    failure);
        }
        int status = call.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        count(entries, (status / 100) + "xx");
        if (status >= 200 && status < 300) {
            return;
        }
        String detail = "Hull firehose answered " + status;
        if (status == 429 || status >= 500) {
            throw new HullUnavailableException(detail);
        }
        throw new HullRejectedException(status, detail);
    }

    /** {@code hull_connector_firehose_calls_total{outcome="2xx"}} and the entries they carried. */
    private void count(List<FirehoseEntry> entries, String outcome) {
        meters.counter("hull.connector.firehose.calls", "outcome", outcome).increment();
        meters.counter("hull.connector.firehose.entries", "outcome", outcome).increment(entries.size());
    }

    private byte[] toJson(Object body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write firehose batch as JSON", e);
        }
    }
}
