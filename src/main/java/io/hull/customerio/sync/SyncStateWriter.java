package io.hull.customerio.sync;

import io.hull.customerio.hull.FirehoseClient;
import io.hull.customerio.hull.FirehoseEntry;
import io.hull.customerio.hull.HullRejectedException;
import io.hull.customerio.logging.DecisionLog;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Writes the sync state of the users Customer.io accepted back to Hull as {@code customerio/*}
 * traits, batched through the firehose, and remembers what each identified customer holds now
 * ({@link SyncedHashes}) once Hull has it. Every batch is tried: Hull being unreachable for one does not keep
 * the others from Hull, and the first such failure then propagates (the notification is retried). Hull refusing
 * for good is logged for every user concerned.
 */
@Component("syncStateWriter")
public class SyncStateWriter {

    private final FirehoseClient firehose;
    private final DecisionLog decisions;
    private final SyncedHashes syncedHashes;

    public SyncStateWriter(FirehoseClient firehose, DecisionLog decisions, SyncedHashes syncedHashes) {
        this.firehose = firehose;
        this.decisions = decisions;
        this.syncedHashes = syncedHashes;
    }

    public List<UserSyncResult> writeBack(List<UserSyncResult> results) {
        List<UserSyncResult> toWrite = results.stream().filter(r -> r.traits() != null).toList();
        if (toWrite.isEmpty()) {
            return results;
        }
        RuntimeException unavailable = null;
        // One firehose request per chunk, so a refusal is reported for exactly the users it concerns.
        for (int from = 0; from < toWrite.size(); from += FirehoseClient.MAX_BATCH) {
            List<UserSyncResult> chunk = toWrite.subList(from, Math.min(from + FirehoseClient.MAX_BATCH, toWrite.size()));
            try {
                firehose.send(chunk.stream().map(r -> FirehoseEntry.traits(r.hull(), r.claims(), r.traits())).toList());
            } catch (HullRejectedException e) {
                for (UserSyncResult result : chunk) {
                    decisions.error("outgoing.user.error", result.claims(), Map.of(
                            "reason", "sent to Customer.io, but the sync state could not be written to Hull: " + e.getMessage(),
                            "status", e.status()));
                }
                continue;
            } catch (RuntimeException e) {
                if (unavailable == null) {
                    unavailable = e;
                }
                continue;
            }
            for (UserSyncResult result : chunk) {
                if (result.identified() != null) {
                    UserSyncResult.Identified customer = result.identified();
                    syncedHashes.written(customer.siteId(), customer.customerId(), customer.hash());
                }
            }
        }
        if (unavailable != null) {
            throw unavailable;
        }
        return results;
    }
}
