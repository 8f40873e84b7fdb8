package io.hull.customerio.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.customerio.Deadline;
import io.hull.customerio.errors.ConnectorException;
import io.hull.customerio.errors.SafeError;
import io.hull.customerio.kafka.KafkaBatch.Entry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * How a consumer works through one poll's records ({@link KafkaBatch}), on the consumer thread:
 * rounds with backoff between them when one failed (the partition waits, nothing moves past a
 * failing record), the outcome of each record, the dead-letter record, and the manual commit once
 * every record is done with (delivered, skipped, refused for good and logged, or dead-lettered).
 */
@Component("kafkaBatches")
public class KafkaBatches {

    /** Exchange properties the consumer routes use. */
    public static final String BATCH = "kafkaBatch";
    public static final String ENTRY = "kafkaEntry";
    /** Kafka headers of a dead-lettered record. */
    public static final String DLQ_ERROR_HEADER = "connector-error";
    public static final String DLQ_ATTEMPTS_HEADER = "connector-attempts";
    public static final String DLQ_ORIGIN_HEADER = "connector-origin";
    /** A webhook's dead letter: the Hull connector it was for. */
    public static final String DLQ_CONNECTOR_HEADER = "connector-id";

    private static final Logger log = LoggerFactory.getLogger(KafkaBatches.class);

    private final ConnectorProperties.Kafka settings;

    public KafkaBatches(ConnectorProperties connector) {
        this.settings = connector.getKafka();
    }

    /**
     * The records of a poll (Camel's batching consumer: a list of exchanges), with the key that keeps
     * some of them in order ({@code null}: independent).
     */
    public KafkaBatch read(List<Exchange> records, Function<Object, Object> orderKey) {
        List<Entry> entries = new ArrayList<>(records.size());
        for (Exchange record : records) {
            Message message = record.getMessage();
            Object value = message.getBody();
            entries.add(new Entry(message.getHeader(KafkaConstants.KEY), value, orderKey.apply(value),
                    message.getHeader(KafkaConstants.TOPIC) + "/" + message.getHeader(KafkaConstants.PARTITION),
                    message.getHeader(KafkaConstants.OFFSET, Long.class),
                    message.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class)));
        }
        return new KafkaBatch(entries);
    }

    /** Webhooks: independent of one another. */
    public KafkaBatch readWebhooks(List<Exchange> records) {
        KafkaBatch batch = read(records, value -> null);
        // keyed by their Hull connector: a dead letter names it
        batch.entries().forEach(entry -> entry.connector = entry.key() == null ? null : String.valueOf(entry.key()));
        return batch;
    }

    /** The records of the next round, after the backoff when the previous round had a failure. */
    public List<Entry> nextRound(@ExchangeProperty(BATCH) KafkaBatch batch) throws InterruptedException {
        if (batch.lastRoundFailed()) {
            Thread.sleep(backoff(batch.rounds()).toMillis());
        }
        return batch.nextRound();
    }

    /**
     * The Customer.io deadline of a round's calls (rate-limit waits and retries included). No caller
     * waits for a consumer, so it is connector.kafka.round-timeout rather than the notification's
     * customerio.retry.max-elapsed: a round of batch-size users may need many rate-limit windows.
     */
    public Deadline roundDeadline() {
        return Deadline.after(settings.getRoundTimeout());
    }

    /** Exponential from initial-backoff, at most max-backoff, with jitter (50-100 % of it). */
    Duration backoff(int failedRounds) {
        long initial = settings.getInitialBackoff().toMillis();
        long max = settings.getMaxBackoff().toMillis();
        long wait = Math.min(max, initial << Math.min(Math.max(failedRounds - 1, 0), 20));
        return Duration.ofMillis(wait / 2 + ThreadLocalRandom.current().nextLong(wait / 2 + 1));
    }

    /** An attempt of one record threw: a record that cannot be read, or Hull refusing it, is final. */
    public void failed(@ExchangeProperty(ENTRY) Entry entry, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e) {
        boolean permanent = e instanceof ConnectorException known ? known.permanent() : e instanceof JsonProcessingException;
        String reason = SafeError.of(e).reason();
        if (SafeError.isUnexpected(e)) {
            log.warn("unexpected error while consuming record {}", entry.origin(), e);
            // the dead-letter header names the kind of failure for whoever replays it; the details are in the log
            reason = e.getClass().getSimpleName() + ": " + reason;
        }
        entry.failed(reason, permanent);
    }

    /**
     * The end of a round: a record that did not fail is done with; a failed one is tried again next
     * round, or is dead after {@code connector.kafka.max-attempts} (at once when trying cannot help).
     */
    public void settle(@ExchangeProperty(BATCH) KafkaBatch batch) {
        boolean failures = false;
        for (Entry entry : batch.currentRound()) {
            if (!entry.hasFailed()) {
                entry.end(Entry.Outcome.DONE);
            } else if (entry.permanent() || entry.attempts() >= settings.getMaxAttempts()) {
                log.error("record {} failed {} time(s), last: {}; it goes to the dead-letter topic",
                        entry.origin(), entry.attempts(), entry.error());
                entry.end(Entry.Outcome.DEAD);
            } else {
                log.warn("record {} failed (attempt {} of {}): {}; tried again", entry.origin(), entry.attempts(),
                        settings.getMaxAttempts(), entry.error());
                failures = true;
            }
        }
        batch.lastRoundFailed(failures);
    }

    /** The record as received, with its key and why it failed, for {@code <topic>.dlq}. */
    public Object deadLetter(Entry entry, Exchange exchange) {
        Message message = exchange.getMessage();
        Object breadcrumb = message.getHeader(Exchange.BREADCRUMB_ID);
        message.getHeaders().clear();
        if (entry.key() != null) {
            message.setHeader(KafkaConstants.KEY, entry.key());
        }
        if (breadcrumb != null) {
            message.setHeader(Exchange.BREADCRUMB_ID, breadcrumb);
        }
        message.setHeader(DLQ_ERROR_HEADER, String.valueOf(entry.error()));
        message.setHeader(DLQ_ATTEMPTS_HEADER, String.valueOf(entry.attempts()));
        message.setHeader(DLQ_ORIGIN_HEADER, entry.origin());
        if (entry.connector != null) {
            message.setHeader(DLQ_CONNECTOR_HEADER, entry.connector);
        }
        return entry.value();
    }

    /**
     * Commits, on the consumer thread, every partition of the batch up to its last record, once all are
     * done with. A batch with a record still pending is never committed: the route fails, and with
     * breakOnFirstError the consumer reads it again from the last commit instead of moving on.
     */
    public void commit(@ExchangeProperty(BATCH) KafkaBatch batch) {
        if (batch.isPending()) {
            throw new IllegalStateException("a batch with records not done with is not committed; it is read again");
        }
        for (KafkaManualCommit commit : batch.lastCommitPerPartition()) {
            if (commit == null) {
                throw new IllegalStateException("no manual commit on the record: the consumer needs allowManualCommit=true");
            }
            commit.commit();
        }
    }
}
