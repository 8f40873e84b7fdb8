package io.hull.customerio.batch;

import io.hull.customerio.connectors.HullConnector;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One backfill: its state and counts, updated by the job's thread and read by {@code GET /batch/{id}}.
 * The extract's URL is kept but never shown: Hull's extract URLs are signed and grant access to the file.
 */
public class BatchJob {

    public enum State { QUEUED, RUNNING, SUCCEEDED, FAILED }

    private final String id;
    private final URI url;
    /** An extract of accounts (account_report): each line goes through route sync-account. */
    private final boolean accounts;
    /** The connector the backfill is for: its credentials (the write-back) and settings. */
    private final HullConnector connector;
    private final Instant createdAt = Instant.now();
    private volatile State state = State.QUEUED;
    private volatile Instant startedAt;
    private volatile Instant finishedAt;
    private volatile String error;
    /** Why the extract's stream ended before its end, once it has (the lines read before are synced all the same). */
    private volatile String streamError;

    /** Lines read from the extract (malformed ones included). */
    final AtomicLong read = new AtomicLong();
    /** Users written to Customer.io (identified or deleted). */
    final AtomicLong sent = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    /** connector.transport=kafka: users written to the user-updates topic (the consumers send them). */
    final AtomicLong queued = new AtomicLong();
    /** Users Customer.io refused, or that could not be sent after the retries. */
    final AtomicLong failed = new AtomicLong();
    /** Lines that are not a JSON user object: logged and skipped. */
    final AtomicLong malformed = new AtomicLong();

    BatchJob(String id, URI url, boolean accounts, HullConnector connector) {
        this.id = id;
        this.url = url;
        this.accounts = accounts;
        this.connector = connector;
    }

    HullConnector connector() { return connector; }

    public String id() { return id; }
    public boolean accounts() { return accounts; }
    URI url() { return url; }
    public State state() { return state; }

    public boolean finished() {
        return state == State.SUCCEEDED || state == State.FAILED;
    }

    void running() {
        startedAt = Instant.now();
        state = State.RUNNING;
    }

    void streamEnded(String reason) {
        streamError = reason;
    }

    String streamError() {
        return streamError;
    }

    void succeeded() {
        finishedAt = Instant.now();
        state = State.SUCCEEDED;
    }

    void failed(String reason) {
        error = reason;
        finishedAt = Instant.now();
        state = State.FAILED;
    }

    public Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("read", read.get());
        counts.put("sent", sent.get());
        counts.put("skipped", skipped.get());
        counts.put("queued", queued.get());
        counts.put("failed", failed.get());
        counts.put("malformed", malformed.get());
        return counts;
    }

    /** The status answered by {@code GET /batch/{id}}. */
    public Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("job_id", id);
        status.put("status", state.name().toLowerCase());
        status.put("counts", counts());
        status.put("created_at", createdAt.toString());
        status.put("started_at", startedAt == null ? null : startedAt.toString());
        status.put("finished_at", finishedAt == null ? null : finishedAt.toString());
        status.put("error", error);
        return status;
    }
}
