package io.hull.customerio.hull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hull.customerio.config.HullProperties;
import io.hull.customerio.errors.NetworkErrors;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperties;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/**
 * The steps of route hull-firehose (routes/hull-firehose.yaml) around its camel-http call: one batch of traits or
 * track calls as Hull's firehose takes it ({@code POST {firehose}/}, each entry with its own user token, at most
 * {@value #MAX_BATCH} entries of one connector), and Hull's answer judged.
 */
@Component("firehoseRequests")
public class FirehoseRequests {

    public static final int MAX_BATCH = 100;

    /** Exchange property: the request's timeout in ms, when the caller has one of its own (webhooks). */
    public static final String TIMEOUT_PROPERTY = "firehoseTimeoutMs";
    private static final String URL_PROPERTY = "firehoseUrl";
    private static final String CONNECT_TIMEOUT_PROPERTY = "firehoseConnectTimeoutMs";
    private static final String ENTRIES_PROPERTY = "firehoseEntries";

    private final ObjectMapper json;
    private final HullProperties properties;
    private final FirehoseTokens tokens;
    private final MeterRegistry meters;

    public FirehoseRequests(ObjectMapper json, HullProperties properties, FirehoseTokens tokens, MeterRegistry meters) {
        this.meters = meters;
        this.json = json;
        this.properties = properties;
        this.tokens = tokens;
    }

    /** The request body, in Hull's batch format. */
    record Batch(List<Call> batch, String timestamp, String sentAt) {
    }

    /** One call of a batch, with the token that says which user it is about. */
    record Call(String type, Map<String, String> headers, Map<String, Object> body, String timestamp) {
    }

    /**
     * Step firehose-batch: the entries (one connector's, at most {@value #MAX_BATCH}) as the request's JSON body; the
     * connector's credentials (property {@value HullRequestHeaders#CREDENTIALS_PROPERTY}), its firehose URL and the
     * timeouts as properties for the call. Entries without complete credentials are refused: 400, nothing sent.
     */
    public byte[] batch(@Body List<FirehoseEntry> entries, @ExchangeProperties Map<String, Object> exchange) {
        if (entries.isEmpty() || entries.size() > MAX_BATCH) {
            throw new IllegalArgumentException("a firehose batch holds 1 to " + MAX_BATCH + " entries, not " + entries.size());
        }
        HullCredentials hull = entries.get(0).hull();
        if (!hull.complete()) {
            throw new HullRejectedException(400, "cannot write to Hull: organization, connector id or secret is missing");
        }
        String now = Instant.now().toString();
        List<Call> calls = new ArrayList<>(entries.size());
        for (FirehoseEntry entry : entries) {
            if (!entry.hull().equals(hull)) {
                throw new IllegalArgumentException("a firehose batch holds the entries of one connector");
            }
            calls.add(new Call(entry.type(), Map.of("Hull-Access-Token", tokens.as(hull, entry.claims())),
                    entry.body(), now));
        }
        exchange.put(HullRequestHeaders.CREDENTIALS_PROPERTY, hull);
        exchange.put(URL_PROPERTY, hull.firehoseUrl(properties.getFirehoseUrl()).toString().replaceAll("/+$", "") + "/");
        exchange.putIfAbsent(TIMEOUT_PROPERTY, properties.getRequestTimeout().toMillis());
        exchange.put(CONNECT_TIMEOUT_PROPERTY, properties.getConnectTimeout().toMillis());
        exchange.put(ENTRIES_PROPERTY, entries.size());
        try {
            return json.writeValueAsBytes(new Batch(calls, now, now));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write firehose batch as JSON", e);
        }
    }

    /** Step firehose-unreachable: no answer (connection refused, timeout, ...) is worth another try. */
    public void unreachable(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure,
                            @ExchangeProperty(URL_PROPERTY) String url, @ExchangeProperty(ENTRIES_PROPERTY) int entries,
                            @ExchangeProperty(HullRequestHeaders.CREDENTIALS_PROPERTY) HullCredentials hull) {
        count(hull, entries, "unreachable");
        throw new HullUnavailableException("Hull firehose " + URI.create(url).getHost() + " unreachable: "
                + NetworkErrors.describe(failure), failure);
    }

    /** Step judge-firehose-answer: 2xx accepted; 429 and 5xx worth another try; any other status refused for good. */
    public void judge(@Header(Exchange.HTTP_RESPONSE_CODE) Integer status, @ExchangeProperty(ENTRIES_PROPERTY) int entries,
                      @ExchangeProperty(HullRequestHeaders.CREDENTIALS_PROPERTY) HullCredentials hull) {
        int code = status == null ? 0 : status;
        count(hull, entries, (code / 100) + "xx");
        if (code >= 200 && code < 300) {
            return;
        }
        String detail = "Hull firehose answered " + code;
        if (code == 429 || code >= 500) {
            throw new HullUnavailableException(detail);
        }
        throw new HullRejectedException(code, detail);
    }

    /** {@code hull_connector_firehose_calls_total{outcome="2xx",connector="..."}} and the entries they carried. */
    private void count(HullCredentials hull, int entries, String outcome) {
        String connector = hull == null || hull.connectorId() == null ? "" : hull.connectorId();
        meters.counter("hull.connector.firehose.calls", "outcome", outcome, "connector", connector).increment();
        meters.counter("hull.connector.firehose.entries", "outcome", outcome, "connector", connector).increment(entries);
    }
}
