package io.hull.customerio.batch;

import io.hull.customerio.sync.UserSyncPlanner;
import io.hull.customerio.sync.UserSyncResult;
import io.hull.customerio.sync.UserSyncTask;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/** The steps of route sync-batch-chunk (and its kafka mode twin) that are about the job: planning and counting. */
@Component("batchChunks")
public class BatchChunks {

    /** Exchange property holding the {@link BatchChunk} while its users are synced. */
    public static final String PROPERTY = "batchChunk";

    private final UserSyncPlanner planner;
    private final MeterRegistry meters;

    public BatchChunks(UserSyncPlanner planner, MeterRegistry meters) {
        this.planner = planner;
        this.meters = meters;
    }

    /** Each user of the chunk planned with the notification rules. */
    public List<UserSyncTask> plan(BatchChunk chunk) {
        return chunk.messages().stream().map(message -> planner.plan(chunk.context(), message)).toList();
    }

    /** The chunk's users as sent, skipped or failed, in the job's counts and in {@code hull_connector_batch_users_total}. */
    public void countResults(List<UserSyncResult> results, @ExchangeProperty(PROPERTY) BatchChunk chunk) {
        BatchJob job = chunk.job();
        for (UserSyncResult result : results) {
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
