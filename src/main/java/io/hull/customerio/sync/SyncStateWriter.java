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
 * traits, batched through the firehose. Hull being unreachable propagates (the notification is
 * retried); Hull refusing for good is logged for every user concerned.
 */
@Component("syncStateWriter")
public class SyncStateWriter {

    private final FirehoseClient firehose;
    private final DecisionLog decisions;

    public SyncStateWriter(FirehoseClient firehose, DecisionLog decisions) {
        this.firehose = firehose;
        this.decisions = decisions;
    }

    public List<UserSyncResult> writeBack(List<UserSyncResult> results) {
        List<UserSyncResult> toWrite = results.stream().filter(r -> r.traits() != null).toList();
        if (toWrite.isEmpty()) {
            return results;
        }
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
            }
        }
        return results;
    }
}
