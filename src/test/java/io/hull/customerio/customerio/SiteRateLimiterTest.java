package io.hull.customerio.customerio;

import static org.assertj.core.api.Assertions.assertThat;

import io.hull.customerio.support.Concurrently;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** The limiter alone, with a short window so it runs in well under a second. */
class SiteRateLimiterTest {

    private static final Duration WINDOW = Duration.ofMillis(200);

    /**
     * A slot is used again only a window after its request ended, so no moment lies in more than {@code limit} of
     * the spans [taken, ended + window). Each thread stamps "taken" after take() answered and "ended" before it
     * closes the permit: both inside the real span, so a thread the machine holds up between the two can only
     * shorten the spans checked, never make a correct limiter fail.
     */
    @Test
    void neverMoreThanTheLimitInAnyWindowAcrossThreads() throws Exception {
        SiteRateLimiter limiter = new SiteRateLimiter(5, WINDOW, new SimpleMeterRegistry());
        List<Callable<long[]>> requests = Collections.nCopies(20, () -> {
            SiteRateLimiter.Permit permit = limiter.take("site", Deadline.after(Duration.ofSeconds(30))).get();
            long taken = System.nanoTime();
            long ended = System.nanoTime();
            permit.close();
            return new long[] {taken, ended + WINDOW.toNanos()};
        });
        List<long[]> spans = Concurrently.all(requests);
        assertThat(spans).hasSize(20);
        assertThat(mostOverlapping(spans)).as("spans [taken, ended + window) over any one moment").isLessThanOrEqualTo(5);
    }

    /** The most spans [start, end) any one moment lies in. */
    private static int mostOverlapping(List<long[]> spans) {
        List<long[]> edges = new ArrayList<>();
        for (long[] span : spans) {
            edges.add(new long[] {span[0], +1});
            edges.add(new long[] {span[1], -1});
        }
        // at the same instant an end comes before a start: [start, end) holds no moment at its end
        edges.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int open = 0;
        int most = 0;
        for (long[] edge : edges) {
            open += (int) edge[1];
            most = Math.max(most, open);
        }
        return most;
    }

    @Test
    void sitesAreIndependentAndAPauseHoldsTheSite() throws Exception {
        // a window far longer than any hold-up of this thread, so "spent" stays spent while it is checked
        SiteRateLimiter limiter = new SiteRateLimiter(1, Duration.ofMinutes(1), new SimpleMeterRegistry());
        limiter.take("a", Deadline.after(Duration.ofSeconds(1))).get().close();
        // b has its own budget; a's is spent for a window, so a near deadline gives up at once.
        assertThat(limiter.take("b", Deadline.after(Duration.ofMillis(10))).get()).isNotNull();
        assertThat(limiter.take("a", Deadline.after(Duration.ofMillis(10))).get()).isNull();

        long pausedAt = System.nanoTime();
        limiter.pause("c", Duration.ofMillis(500));
        assertThat(limiter.take("c", Deadline.after(Duration.ofMillis(50))).get()).isNull();
        limiter.take("c", Deadline.after(Duration.ofSeconds(30))).get().close();
        assertThat(System.nanoTime() - pausedAt).as("waited for the pause").isGreaterThanOrEqualTo(Duration.ofMillis(500).toNanos());
    }

    /**
     * Waiting holds no thread: one thread asks for five slots of a site with one, and gets five futures at once; they
     * are answered in the order asked, each a window after the one before it ended.
     */
    @Test
    void waitersHoldNoThreadAndAreServedInArrivalOrder() throws Exception {
        SiteRateLimiter limiter = new SiteRateLimiter(1, WINDOW, new SimpleMeterRegistry());
        List<Long> answered = Collections.synchronizedList(new ArrayList<>());
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        List<java.util.concurrent.CompletableFuture<SiteRateLimiter.Permit>> slots = new ArrayList<>();
        long asked = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            int caller = i;
            slots.add(limiter.take("site", Deadline.after(Duration.ofSeconds(30))).thenApply(permit -> {
                answered.add(System.nanoTime());
                order.add(caller);
                permit.close();
                return permit;
            }));
        }
        assertThat(System.nanoTime() - asked).as("asking did not wait").isLessThan(WINDOW.toNanos() / 2);
        java.util.concurrent.CompletableFuture.allOf(slots.toArray(java.util.concurrent.CompletableFuture[]::new)).get();
        assertThat(order).containsExactly(0, 1, 2, 3, 4);
        for (int i = 1; i < answered.size(); i++) {
            assertThat(answered.get(i) - answered.get(i - 1)).as("slot %d a window after the one before", i)
                    .isGreaterThanOrEqualTo(WINDOW.toNanos());
        }
    }

    /** A waiter behind others gives up at its deadline, and the ones behind it move up. */
    @Test
    void aWaiterWhoseDeadlineComesFirstGetsNoSlot() throws Exception {
        SiteRateLimiter limiter = new SiteRateLimiter(1, Duration.ofMillis(500), new SimpleMeterRegistry());
        limiter.take("site", Deadline.after(Duration.ofSeconds(1))).get().close();
        var patient = limiter.take("site", Deadline.after(Duration.ofSeconds(30)));
        var hurried = limiter.take("site", Deadline.after(Duration.ofMillis(100)));
        var last = limiter.take("site", Deadline.after(Duration.ofSeconds(30)));
        assertThat(hurried.get()).as("no slot before its deadline").isNull();
        assertThat(patient).isNotDone();
        patient.get().close();
        assertThat(last.get()).isNotNull();
    }

    @Test
    void retryAfterIsReadAsSecondsOrHttpDate() {
        assertThat(CustomerIoCalls.parseRetryAfter("2")).contains(Duration.ofSeconds(2));
        // an HTTP date has whole seconds: the wait is until then, from whenever it was read
        ZonedDateTime before = ZonedDateTime.now(ZoneOffset.UTC);
        ZonedDateTime then = before.plusSeconds(10).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        java.util.Optional<Duration> wait = CustomerIoCalls.parseRetryAfter(DateTimeFormatter.RFC_1123_DATE_TIME.format(then));
        ZonedDateTime after = ZonedDateTime.now(ZoneOffset.UTC);
        assertThat(wait).hasValueSatisfying(duration -> assertThat(duration)
                .isBetween(Duration.between(after, then).minusMillis(1), Duration.between(before, then).plusMillis(1)));
        assertThat(CustomerIoCalls.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).contains(Duration.ZERO);
        assertThat(CustomerIoCalls.parseRetryAfter("soon")).isEmpty();
    }
}
