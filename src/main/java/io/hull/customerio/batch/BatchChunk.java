package io.hull.customerio.batch;

import com.fasterxml.jackson.databind.JsonNode;
import io.hull.customerio.sync.NotificationContext;
import java.util.List;

/** Up to {@code hull.batch.chunk-size} users of a backfill's extract, as notification messages, on their way to route sync-batch-chunk. */
public record BatchChunk(BatchJob job, NotificationContext context, List<JsonNode> messages) {
}
