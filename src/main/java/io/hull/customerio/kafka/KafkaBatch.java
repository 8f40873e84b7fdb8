package io.hull.customerio.kafka;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/**
 * The records of one poll of a consumer and where each stands. Records are worked on in rounds:
 * a round takes, for every order key (a user), its first record not yet done with, so different
 * users go in parallel while one user's records keep their order; a record that failed is in the
 * next round again (its user's later records wait behind it). The batch is over when every record
 * is {@link Entry.Outcome#DONE} or {@link Entry.Outcome#DEAD}; only then is anything committed.
 *
 * <p>Used by one consumer thread at a time; a round's records may be worked on by other threads
 * (parallel split), each record by one, and the split's end is the hand-back.
 */
public final class KafkaBatch {

    private final List<Entry> entries;
    private int rounds;
    private List<Entry> currentRound = List.of();
    private boolean lastRoundFailed;

    KafkaBatch(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public List<Entry> entries() {
        return entries;
    }

    public boolean isPending() {
        return entries.stream().anyMatch(entry -> entry.outcome == null);
    }

    /** The records of the next round: each user's first record not done with, in offset order. */
    List<Entry> nextRound() {
        Map<Object, Entry> firstPerKey = new LinkedHashMap<>();
        for (Entry entry : entries) {
            if (entry.outcome == null) {
                firstPerKey.putIfAbsent(entry.orderKey == null ? entry : entry.orderKey, entry);
            }
        }
        rounds++;
        List<Entry> round = new ArrayList<>(firstPerKey.values());
        round.forEach(Entry::startAttempt);
        currentRound = List.copyOf(round);
        return currentRound;
    }

    /** The records of the round under way. */
    public List<Entry> currentRound() {
        return currentRound;
    }

    int rounds() {
        return rounds;
    }

    boolean lastRoundFailed() {
        return lastRoundFailed;
    }

    void lastRoundFailed(boolean failed) {
        this.lastRoundFailed = failed;
    }

    public List<Entry> deadLetters() {
        return entries.stream().filter(entry -> entry.outcome == Entry.Outcome.DEAD).toList();
    }

    /** For every partition, the manual commit of its last record in this batch. */
    List<KafkaManualCommit> lastCommitPerPartition() {
        Map<String, Entry> last = new LinkedHashMap<>();
        for (Entry entry : entries) {
            last.merge(entry.partition, entry, (a, b) -> a.offset >= b.offset ? a : b);
        }
        return last.values().stream().map(entry -> entry.commit).toList();
    }

    /** One record: what was read, and how its attempts went. */
    public static final class Entry {

        public enum Outcome { DONE, DEAD }

        final Object key;
        final Object value;
        final Object orderKey;
        /** topic/partition, and topic/partition/offset as the record's name in logs and dead letters. */
        final String partition;
        final long offset;
        final KafkaManualCommit commit;
        /** The Hull connector of a webhook record (its key), named in its dead letter. */
        String connector;
        private int attempts;
        private String error;
        private boolean permanent;
        private Object result;
        private Outcome outcome;

        Entry(Object key, Object value, Object orderKey, String partition, long offset, KafkaManualCommit commit) {
            this.key = key;
            this.value = value;
            this.orderKey = orderKey;
            this.partition = partition;
            this.offset = offset;
            this.commit = commit;
        }

        public Object value() {
            return value;
        }

        public Object key() {
            return key;
        }

        public String origin() {
            return partition + "/" + offset;
        }

        public int attempts() {
            return attempts;
        }

        public String error() {
            return error;
        }

        boolean permanent() {
            return permanent;
        }

        public Outcome outcome() {
            return outcome;
        }

        /** What the attempt produced (a user's sync result), for the steps after it. */
        public Object result() {
            return result;
        }

        public void result(Object result) {
            this.result = result;
        }

        /** This attempt failed; {@code permanent}: trying again cannot help (a record that cannot be read). */
        public void failed(String reason, boolean permanent) {
            if (this.error == null) {
                this.error = reason;
                this.permanent = permanent;
            }
        }

        boolean hasFailed() {
            return error != null;
        }

        void startAttempt() {
            attempts++;
            error = null;
            permanent = false;
            result = null;
        }

        void end(Outcome outcome) {
            this.outcome = outcome;
        }
    }
}
