package io.hull.customerio.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hull.customerio.config.HullProperties;
import io.hull.customerio.errors.NetworkErrors;
import io.hull.customerio.hull.HullCredentials;
import io.hull.customerio.logging.DecisionLog;
import io.hull.customerio.sync.NotificationContext;
import io.hull.customerio.sync.UserSyncPlanner;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs one backfill: streams Hull's extract line by line (one JSON user per line, never the whole
 * file in memory), and hands every {@code hull.batch.chunk-size} users to {@code direct:sync-batch-chunk}
 * (routes/hull-batch.yaml), which plans them with the notification rules, syncs them through
 * {@code customerio-user-sync} (same per-site throttle and retries), writes their sync state back and counts them.
 * Only one chunk is held at a time, and the next lines are read only once it is done: the stream
 * itself is the back-pressure.
 */
@Component
public class ExtractJobRunner {

    private static final Logger log = LoggerFactory.getLogger(ExtractJobRunner.class);

    /** Route hull-batch-chunk, or in kafka mode publish-batch-users: one of them is created (their preconditions). */
    static final String CHUNK_ROUTE = "direct:sync-batch-chunk";

    private final HullProperties hull;
    private final UserSyncPlanner planner;
    private final ProducerTemplate producer;
    private final ObjectMapper json;
    private final DecisionLog decisions;
    private final MeterRegistry meters;
    private final HttpClient http;

    public ExtractJobRunner(HullProperties hull, UserSyncPlanner planner,
                            ProducerTemplate producer, ObjectMapper json, DecisionLog decisions, MeterRegistry meters) {
        this.hull = hull;
        this.planner = planner;
        this.producer = producer;
        this.json = json;
        this.decisions = decisions;
        this.meters = meters;
        // NEVER: a redirect could lead anywhere, and only hull.batch.allowed-hosts may be fetched.
        this.http = HttpClient.newBuilder()
                .connectTimeout(hull.getBatch().getConnectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public void run(BatchJob job) {
        job.running();
        decisions.info("outgoing.job.start", null, Map.of("job_id", job.id(), "host", job.url().getHost()));
        // A batch carries no private settings: connector.settings and customerio.site-id/api-key apply.
        NotificationContext context = planner.context(
                new HullCredentials(hull.getOrganization(), hull.getConnectorId(), hull.getSecret()), json.createObjectNode());
        try {
            String streamError = stream(job, context);
            if (streamError != null) {
                fail(job, streamError);
                return;
            }
            job.succeeded();
            decisions.info("outgoing.job.success", null, summary(job, null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(job, "interrupted: the connector is stopping");
        } catch (RuntimeException e) {
            log.error("backfill job {} stopped by an unexpected error", job.id(), e);
            fail(job, "stopped by an unexpected error (the details are in the connector's log)");
        }
    }

    /** Reads and syncs the whole extract; returns why the stream ended early, or {@code null}. */
    private String stream(BatchJob job, NotificationContext context) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(job.url()).GET().timeout(hull.getBatch().getRequestTimeout()).build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            return "the extract could not be fetched: " + NetworkErrors.describe(e);
        }
        int chunkSize = Math.max(1, hull.getBatch().getChunkSize());
        long progressNanos = hull.getBatch().getProgressInterval().toNanos();
        long lastProgress = System.nanoTime();
        List<JsonNode> chunk = new ArrayList<>(chunkSize);
        String streamError = null;
        InputStream body = response.body();
        StallGuard stallGuard = new StallGuard(hull.getBatch().getReadTimeout(), body);
        try (body; stallGuard) {
            int status = response.statusCode();
            if (status / 100 != 2) {
                return "the extract was answered " + status + (status / 100 == 3 ? " (redirects are not followed)" : "");
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            long lineNumber = 0;
            for (String line; (line = stallGuard.readLine(lines)) != null; ) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                job.read.incrementAndGet();
                JsonNode message = message(line);
                if (message == null) {
                    job.malformed.incrementAndGet();
                    meters.counter("hull.connector.batch.users", "result", "malformed").increment();
                    decisions.error("outgoing.user.error", null, Map.of("job_id", job.id(), "line", lineNumber,
                            "reason", "malformed extract line (not a JSON user object): skipped"));
                    continue;
                }
                chunk.add(message);
                if (chunk.size() >= chunkSize) {
                    sync(job, context, chunk);
                    chunk = new ArrayList<>(chunkSize);
                }
                if (System.nanoTime() - lastProgress >= progressNanos) {
                    lastProgress = System.nanoTime();
                    decisions.info("outgoing.job.progress", null, summary(job, null));
                }
            }
        } catch (IOException e) {
            if (stallGuard.stalled()) {
                streamError = "the extract stream stalled after " + job.read.get() + " lines: nothing received for "
                        + hull.getBatch().getReadTimeout().toSeconds() + " s (hull.batch.read-timeout)";
            } else if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            } else {
                streamError = "the extract stream broke after " + job.read.get() + " lines: " + NetworkErrors.describe(e);
            }
        }
        // The users read before a break are whole lines: they are sent all the same.
        if (!chunk.isEmpty()) {
            sync(job, context, chunk);
        }
        return streamError;
    }

    /** Route sync-batch-chunk plans, sends and counts the chunk (in kafka mode: writes it to the user-updates topic). */
    private void sync(BatchJob job, NotificationContext context, List<JsonNode> messages) {
        // Kafka unreachable, Hull refusing the write-back: the exception ends the job as failed, with its counts so far.
        producer.requestBody(CHUNK_ROUTE, new BatchChunk(job, context, messages));
    }

    /**
     * An extract line (a user with {@code segment_ids} and maybe {@code account}) as a notification
     * message, so the notification rules apply unchanged. Segment names are not in the extract: the id
     * stands for the name. {@code null} for a line that is not a JSON object.
     */
    JsonNode message(String line) {
        JsonNode user;
        try {
            user = json.readTree(line);
        } catch (IOException e) {
            return null;
        }
        if (user == null || !user.isObject()) {
            return null;
        }
        ObjectNode message = json.createObjectNode();
        ArrayNode segments = message.putArray("segments");
        for (JsonNode id : user.path("segment_ids")) {
            segments.addObject().put("id", id.asText()).put("name", id.asText());
        }
        message.set("account", user.path("account").isObject() ? user.get("account") : json.createObjectNode());
        ObjectNode userOnly = ((ObjectNode) user).deepCopy();
        userOnly.remove("segment_ids");
        userOnly.remove("account");
        message.set("user", userOnly);
        message.putArray("events");
        return message;
    }

    private void fail(BatchJob job, String reason) {
        job.failed(reason);
        decisions.error("outgoing.job.error", null, summary(job, reason));
    }

    private static Map<String, Object> summary(BatchJob job, String reason) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("job_id", job.id());
        details.putAll(job.counts());
        if (reason != null) {
            details.put("reason", reason);
        }
        return details;
    }

    /**
     * Ends a read that waits longer than {@code hull.batch.read-timeout} for the extract's next line: the
     * JDK client times out the response headers only, and a stream that stalls without closing would
     * hold a job slot forever. Only while the job's thread waits in {@link #readLine} (checked under a
     * lock), the stream is closed and the thread interrupted, which makes that read fail.
     */
    private static final class StallGuard implements AutoCloseable {
        private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "hull-batch-stall-guard");
            thread.setDaemon(true);
            return thread;
        });

        private final Thread reader = Thread.currentThread();
        private final InputStream stream;
        private final long timeoutNanos;
        private final ScheduledFuture<?> check;
        private long waitingSince;
        private boolean waiting;
        private boolean stalled;

        StallGuard(Duration timeout, InputStream stream) {
            this.stream = stream;
            this.timeoutNanos = timeout.toNanos();
            long period = Math.max(10, Math.min(1000, timeout.toMillis() / 4));
            this.check = WATCHDOG.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
        }

        String readLine(BufferedReader lines) throws IOException {
            synchronized (this) {
                waiting = true;
                waitingSince = System.nanoTime();
            }
            try {
                return lines.readLine();
            } finally {
                synchronized (this) {
                    waiting = false;
                    if (stalled) {
                        Thread.interrupted(); // the interrupt was ours, for this read only
                    }
                }
            }
        }

        private synchronized void check() {
            if (waiting && !stalled && System.nanoTime() - waitingSince > timeoutNanos) {
                stalled = true;
                reader.interrupt();
                try {
                    stream.close(); // the JDK client's body stream may not wake up on the interrupt alone
                } catch (IOException | RuntimeException e) {
                    // the read fails either way
                }
            }
        }

        synchronized boolean stalled() {
            return stalled;
        }

        @Override
        public void close() {
            check.cancel(false);
        }
    }
}
