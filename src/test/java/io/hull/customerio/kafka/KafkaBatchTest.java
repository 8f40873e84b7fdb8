package io.hull.customerio.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.kafka.KafkaBatch.Entry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.junit.jupiter.api.Test;

/** The rounds of a poll: users in parallel, one user's records in order, retries, dead letters, commits. */
class KafkaBatchTest {

    private final List<String> commits = new ArrayList<>();
    private final KafkaBatches batches = new KafkaBatches(settings());

    private static ConnectorProperties settings() {
        ConnectorProperties connector = new ConnectorProperties();
        connector.getKafka().setMaxAttempts(3);
        connector.getKafka().setInitialBackoff(Duration.ofMillis(1));
        connector.getKafka().setMaxBackoff(Duration.ofMillis(2));
        return connector;
    }

    private Entry entry(String user, int partition, long offset) {
        KafkaManualCommit commit = new KafkaManualCommit() {
            @Override
            public void commit() {
                commits.add("p" + partition + "@" + offset);
            }
        };
        return new Entry("site", user + "#" + offset, user, "topic/" + partition, offset, commit);
    }

    @Test
    void eachRoundTakesEveryUsersFirstPendingRecordAndALaterOneWaitsForItsPredecessor() throws Exception {
        Entry a1 = entry("a", 0, 1);
        Entry b1 = entry("b", 0, 2);
        Entry a2 = entry("a", 0, 3);
        KafkaBatch batch = new KafkaBatch(List.of(a1, b1, a2));

        assertThat(batches.nextRound(batch)).containsExactly(a1, b1);
        a1.failed("Customer.io answered 503", false);
        batches.settle(batch);
        assertThat(a1.outcome()).isNull();
        assertThat(b1.outcome()).isEqualTo(Entry.Outcome.DONE);

        // a's second update still waits: its first one is tried again alone
        assertThat(batches.nextRound(batch)).containsExactly(a1);
        batches.settle(batch);
        assertThat(batches.nextRound(batch)).containsExactly(a2);
        batches.settle(batch);

        assertThat(batch.isPending()).isFalse();
        assertThat(a1.attempts()).isEqualTo(2);
        assertThat(batch.deadLetters()).isEmpty();
    }

    @Test
    void aRecordFailingMaxAttemptsTimesIsDeadAndAnUnreadableOneAtOnce() throws Exception {
        Entry failing = entry("a", 0, 1);
        Entry unreadable = entry("b", 0, 2);
        KafkaBatch batch = new KafkaBatch(List.of(failing, unreadable));

        batches.nextRound(batch);
        failing.failed("503", false);
        unreadable.failed("not a user update record of version 1", true);
        batches.settle(batch);
        assertThat(unreadable.outcome()).isEqualTo(Entry.Outcome.DEAD);
        for (int attempt = 2; attempt <= 3; attempt++) {
            assertThat(batches.nextRound(batch)).containsExactly(failing);
            failing.failed("503", false);
            batches.settle(batch);
        }

        assertThat(failing.outcome()).isEqualTo(Entry.Outcome.DEAD);
        assertThat(failing.attempts()).isEqualTo(3);
        assertThat(batch.deadLetters()).containsExactly(failing, unreadable);
    }

    @Test
    void commitsEachPartitionUpToItsLastRecordOnlyOnceEveryRecordIsDoneWith() throws Exception {
        KafkaBatch batch = new KafkaBatch(List.of(entry("a", 0, 7), entry("b", 1, 3), entry("c", 0, 9), entry("d", 1, 4)));

        batches.nextRound(batch);
        batch.entries().get(3).failed("503", false);
        batches.settle(batch);
        assertThatThrownBy(() -> batches.commit(batch)).isInstanceOf(IllegalStateException.class);
        assertThat(commits).isEmpty();

        batches.nextRound(batch);
        batches.settle(batch);
        batches.commit(batch);
        assertThat(commits).containsExactlyInAnyOrder("p0@9", "p1@4");
    }
}
