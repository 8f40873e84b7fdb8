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
     * the spans [taken, ended + window). Each thread stamps "taken" after acquire() returned and "ended" before it
     * closes the permit: both inside the real span, so a thread the machine holds up between the two can only
     * shorten the spans checked, never make a correct limiter fail.
     */
    @Test
    void neverMoreThanTheLimitInAnyWindowAcrossThreads() throws Exception {
        SiteRateLimiter limiter = new SiteRateLimiter(5, WINDOW, new SimpleMeterRegistry());
        List<Callable<long[]>> requests = Collections.nCopies(20, () -> {
            SiteRateLimiter.Permit permit = limiter.acquire("site", Deadline.after(Duration.ofSeconds(30)));
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
        limiter.acquire("a", Deadline.after(Duration.ofSeconds(1))).close();
        // b has its own budget; a's is spent for a window, so a near deadline gives up at once.
        assertThat(limiter.acquire("b", Deadline.after(Duration.ofMillis(10)))).isNotNull();
        assertThat(limiter.acquire("a", Deadline.after(Duration.ofMillis(10)))).isNull();

        long pausedAt = System.nanoTime();
        limiter.pause("c", Duration.ofMillis(500));
        assertThat(limiter.acquire("c", Deadline.after(Duration.ofMillis(50)))).isNull();
        limiter.acquire("c", Deadline.after(Duration.ofSeconds(30))).close();
        assertThat(System.nanoTime() - pausedAt).as("waited for the pause").isGreaterThanOrEqualTo(Duration.ofMillis(500).toNanos());
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
