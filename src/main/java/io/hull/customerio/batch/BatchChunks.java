package io.hull.customerio.batch;

import com.fasterxml.jackson.databind.JsonNode;
import io.hull.customerio.sync.SyncResult;
import io.hull.customerio.sync.UserSync;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import org.apache.camel.ExchangeProperties;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/** The steps of route hull-batch-chunk (and its kafka mode twin) that are about the job: its users, their counts. */
@Component("batchChunks")
public class BatchChunks {

    /** Exchange property holding the {@link BatchChunk} while its users are synced. */
    public static final String PROPERTY = "batchChunk";

    private final MeterRegistry meters;

    public BatchChunks(MeterRegistry meters) {
        this.meters = meters;
    }

    /**
     * Step {@code batch-users} of route hull-batch-chunk: the chunk's users as notification messages (the body route
     * sync-user takes), their context in property {@value UserSync#CONTEXT}: the notification rules apply unchanged.
     */
    public List<JsonNode> users(BatchChunk chunk, @ExchangeProperties Map<String, Object> properties) {
        properties.put(UserSync.CONTEXT, chunk.context());
        properties.put(UserSync.SYNC_ROUTE, chunk.job().accounts() ? UserSync.SYNC_ACCOUNT : UserSync.SYNC_USER);
        return chunk.messages();
    }

    /** The chunk's users as sent, skipped or failed, in the job's counts and in {@code hull_connector_batch_users_total}. */
    public void countResults(List<SyncResult> results, @ExchangeProperty(PROPERTY) BatchChunk chunk) {
        BatchJob job = chunk.job();
        for (SyncResult result : results) {
            String counted = switch (result.outcome()) {
                case SUCCESS, DELETED -> {
                    job.sent.incrementAndGet();
                    yield "sent";
                }
                case SKIPPED -> {
                    job.skipped.incrementAndGet();
                    yield "skipped";
                }
                case FAILED, RETRY -> {
                    job.failed.incrementAndGet();
                    yield "failed";
                }
            };
            meters.counter("hull.connector.batch.users", "result", counted).increment();
        }
    }

    /** kafka mode: the chunk's users are in the user-updates topic; the consumers send them. */
    public void countQueued(@ExchangeProperty(PROPERTY) BatchChunk chunk) {
        chunk.job().queued.addAndGet(chunk.messages().size());
        meters.counter("hull.connector.batch.users", "result", "queued").increment(chunk.messages().size());
    }
}
