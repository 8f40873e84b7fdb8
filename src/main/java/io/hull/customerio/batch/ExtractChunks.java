package io.hull.customerio.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hull.customerio.config.HullProperties;
import io.hull.customerio.errors.NetworkErrors;
import io.hull.customerio.logging.DecisionLog;
import io.hull.customerio.sync.NotificationContext;
import io.hull.customerio.sync.SyncContexts;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.springframework.stereotype.Component;

/**
 * The split of route {@code hull-batch-job}: Hull's extract (one JSON user per line), read as it arrives, in chunks of
 * {@code hull.batch.chunk-size} users as notification messages. A chunk is read only when the split asks for it, after
 * the one before is synced: the stream itself is the back-pressure, and one chunk is held at a time.
 *
 * <p>A line that is not a JSON object is logged, counted and skipped. A stream that breaks or stalls ends the split,
 * and its reason is kept on the job ({@link BatchJob#streamError}); the whole lines read before are still a chunk and
 * are synced. (Camel's tokenizer cannot do both: it groups lines, and a broken stream fails the split, losing the
 * group being read.)
 */
@Component("extractChunks")
public class ExtractChunks implements Expression {

    /** Exchange property of route hull-batch-job: the {@link BatchJob}. */
    public static final String JOB = "batchJob";

    private final HullProperties hull;
    private final SyncContexts contexts;
    private final ObjectMapper json;
    private final DecisionLog decisions;
    private final MeterRegistry meters;
    private final ExtractFetch fetch;

    public ExtractChunks(HullProperties hull, SyncContexts contexts, ObjectMapper json, DecisionLog decisions,
                         MeterRegistry meters, ExtractFetch fetch) {
        this.fetch = fetch;
        this.hull = hull;
        this.contexts = contexts;
        this.json = json;
        this.decisions = decisions;
        this.meters = meters;
    }

    @Override
    public <T> T evaluate(Exchange exchange, Class<T> type) {
        BatchJob job = exchange.getProperty(JOB, BatchJob.class);
        InputStream body = exchange.getMessage().getBody(InputStream.class);
        if (body == null) {
            body = InputStream.nullInputStream();
        }
        // the configured connector: no private settings (connector.settings and customerio.site-id/api-key apply); another
        // connector: its private settings as Hull gave them, falling back to those
        NotificationContext context = contexts.of(job.connector().hull(), job.connector().privateSettings());
        return type.cast(new Chunks(exchange, job, context,
                new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))));
    }

    /**
     * An extract line (a user with {@code segment_ids} and maybe {@code account}) as a notification message, so the
     * notification rules apply unchanged. Segment names are not in the extract: the id stands for the name.
     * {@code null} for a line that is not a JSON object.
     */
    JsonNode message(String line) {
        return message(line, false);
    }

    /**
     * An account extract's line (an account with {@code segment_ids}) is an account:update message: {@code account} and
     * its {@code account_segments}.
     */
    JsonNode message(String line, boolean accounts) {
        JsonNode user;
        try {
            user = json.readTree(line);
        } catch (IOException e) {
            return null;
        }
        if (user == null || !user.isObject()) {
            return null;
        }
        // the line is this method's own tree: its parts move into the message, nothing is copied
        ObjectNode fields = (ObjectNode) user;
        ObjectNode message = json.createObjectNode();
        if (accounts) {
            JsonNode segmentIds = fields.remove("segment_ids");
            message.set("account", fields);
            segments(message, "account_segments", segmentIds);
            return message;
        }
        segments(message, "segments", fields.remove("segment_ids"));
        JsonNode account = fields.remove("account");
        message.set("account", account != null && account.isObject() ? account : json.createObjectNode());
        // the user's account's segments, when the extract has them (none: AccountRelationships decides without them)
        JsonNode accountSegmentIds = fields.remove("account_segment_ids");
        if (accountSegmentIds != null && accountSegmentIds.isArray()) {
            segments(message, "account_segments", accountSegmentIds);
        }
        message.set("user", fields);
        message.putArray("events");
        return message;
    }

    /** The extract's segment ids as a message's segments: the id stands for the name (the extract has no names). */
    private static void segments(ObjectNode message, String field, JsonNode ids) {
        ArrayNode segments = message.putArray(field);
        if (ids != null) {
            for (JsonNode id : ids) {
                segments.addObject().put("id", id.asText()).put("name", id.asText());
            }
        }
    }

    /**
     * The chunks of one extract. {@link #hasNext} never reads (the split asks it right after {@link #next}, before the
     * chunk is synced); {@link #next} reads the next chunk, or answers {@code null} at the end, which the split skips.
     */
    private final class Chunks implements Iterator<BatchChunk>, Closeable {
        private final Exchange split;
        private final BatchJob job;
        private final NotificationContext context;
        private final BufferedReader lines;
        private final int chunkSize = Math.max(1, hull.getBatch().getChunkSize());
        private final long progressNanos = hull.getBatch().getProgressInterval().toNanos();
        private long lastProgress = System.nanoTime();
        private long lineNumber;
        private boolean ended;

        Chunks(Exchange split, BatchJob job, NotificationContext context, BufferedReader lines) {
            this.split = split;
            this.job = job;
            this.context = context;
            this.lines = lines;
        }

        /**
         * Once a chunk has failed, the split is over: when it stops, Camel's split walks the parts left to release
         * them, which would read (and parse) the rest of the extract. The failure is on the split's exchange by then.
         */
        @Override
        public boolean hasNext() {
            return !ended && split.getException() == null;
        }

        @Override
        public BatchChunk next() {
            if (!hasNext()) {
                ended = true;
                return null;
            }
            List<JsonNode> chunk = new ArrayList<>(chunkSize);
            while (!ended && chunk.size() < chunkSize) {
                String line = readLine();
                if (line == null) {
                    ended = true;
                } else if (!line.isBlank()) {
                    take(line, chunk);
                }
            }
            if (System.nanoTime() - lastProgress >= progressNanos) {
                lastProgress = System.nanoTime();
                decisions.info("outgoing.job.progress", null, ExtractJobRunner.summary(job, null));
            }
            return chunk.isEmpty() ? null : new BatchChunk(job, context, chunk);
        }

        private void take(String line, List<JsonNode> chunk) {
            job.read.incrementAndGet();
            JsonNode message = message(line, job.accounts());
            if (message != null) {
                chunk.add(message);
                return;
            }
            job.malformed.incrementAndGet();
            meters.counter("hull.connector.batch.users", "result", "malformed").increment();
            decisions.error(job.accounts() ? "outgoing.account.error" : "outgoing.user.error", null, Map.of("job_id",
                    job.id(), "line", lineNumber, "reason", "malformed extract line (not a JSON " + (job.accounts() ? "account" : "user")
                            + " object): skipped"));
        }

        /** The next line; {@code null} at the end of the extract or when its stream failed (the reason kept on the job). */
        private String readLine() {
            try {
                String line = lines.readLine();
                lineNumber++;
                return line;
            } catch (IOException e) {
                job.streamEnded(why(e));
                return null;
            }
        }

        private String why(IOException e) {
            if (fetch.stopping() || Thread.currentThread().isInterrupted()) {
                return "interrupted after " + job.read.get() + " lines: the connector is stopping";
            }
            if (e instanceof SocketTimeoutException) {
                return "the extract stream stalled after " + job.read.get() + " lines: nothing received for "
                        + hull.getBatch().getReadTimeout().toSeconds() + " s (hull.batch.read-timeout)";
            }
            return "the extract stream broke after " + job.read.get() + " lines: " + NetworkErrors.describe(e);
        }

        /** Before the end (a chunk failed, the connector stops), this aborts the download instead of reading it out. */
        @Override
        public void close() throws IOException {
            ended = true;
            lines.close();
        }
    }
}
