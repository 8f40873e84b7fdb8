package io.hull.customerio.sync;

import io.hull.customerio.hull.FirehoseEntry;
import io.hull.customerio.hull.FirehoseRequests;
import io.hull.customerio.hull.HullCredentials;
import io.hull.customerio.hull.HullRejectedException;
import io.hull.customerio.logging.DecisionLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperties;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * The steps of route write-sync-state (routes/hull-firehose.yaml): the sync state of the users Customer.io accepted,
 * as {@code customerio/*} traits in firehose batches, and what follows Hull's answer to each batch: what each
 * identified customer holds now is remembered ({@link SyncedHashes}) once Hull has it; Hull refusing is logged for
 * every user concerned.
 */
@Component("syncStateWriter")
public class SyncStateWriter {

    /** Exchange property of a batch's exchange: the users whose traits it carries. */
    public static final String BATCH_PROPERTY = "syncStateBatch";

    private final DecisionLog decisions;
    private final SyncedHashes syncedHashes;

    public SyncStateWriter(DecisionLog decisions, SyncedHashes syncedHashes) {
        this.decisions = decisions;
        this.syncedHashes = syncedHashes;
    }

    /**
     * Split each-sync-state-batch: the users with traits to write, one connector's per batch, at most
     * {@value FirehoseRequests#MAX_BATCH} per batch, so that a refusal is reported for exactly the users it concerns.
     */
    public List<List<SyncResult>> batches(@Body List<SyncResult> results) {
        Map<HullCredentials, List<SyncResult>> byConnector = new LinkedHashMap<>();
        for (SyncResult result : results) {
            if (result.traits() != null) {
                byConnector.computeIfAbsent(result.hull(), hull -> new ArrayList<>()).add(result);
            }
        }
        List<List<SyncResult>> batches = new ArrayList<>();
        for (List<SyncResult> ofConnector : byConnector.values()) {
            for (int from = 0; from < ofConnector.size(); from += FirehoseRequests.MAX_BATCH) {
                batches.add(ofConnector.subList(from, Math.min(from + FirehoseRequests.MAX_BATCH, ofConnector.size())));
            }
        }
        return batches;
    }

    /**
     * Step sync-state-entries: the batch's users as firehose entries of their traits, for route hull-firehose. The
     * users stay in property {@value #BATCH_PROPERTY}.
     */
    public List<FirehoseEntry> entries(@Body List<SyncResult> batch, @ExchangeProperties Map<String, Object> properties) {
        properties.put(BATCH_PROPERTY, batch);
        return batch.stream().map(r -> FirehoseEntry.traits(r.hull(), r.claims(), r.traits())).toList();
    }

    /** Step remember-synced-hashes: Hull has the batch; its customers are unchanged until they change. */
    public void written(@ExchangeProperty(BATCH_PROPERTY) List<SyncResult> batch) {
        for (SyncResult result : batch) {
            if (result.identified() != null) {
                SyncResult.Identified customer = result.identified();
                syncedHashes.written(customer.siteId(), customer.customerId(), customer.hash());
            }
        }
    }

    /** Step sync-state-refused: Hull refused the batch for good; each of its users is logged, none sent again. */
    public void refused(@ExchangeProperty(BATCH_PROPERTY) List<SyncResult> batch,
                        @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) HullRejectedException refusal) {
        for (SyncResult result : batch) {
            decisions.error("outgoing." + result.claims().subjectType() + ".error", result.claims(), Map.of(
                    "reason", "sent to Customer.io, but the sync state could not be written to Hull: " + refusal.getMessage(),
                    "status", refusal.status()));
        }
    }
}
