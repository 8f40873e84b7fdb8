package io.hull.customerio.customerio;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The limiter alone, with a short window so it runs in well under a second. */
class SiteRateLimiterTest {

    private static final Duration WINDOW = Duration.ofMillis(200);

    @Test
    void neverMoreThanTheLimitInAnyWindowAcrossThreads() throws Exception {
        SiteRateLimiter limiter = new SiteRateLimiter(5, WINDOW, new SimpleMeterRegistry());
        List<long[]> slots = Collections.synchronizedList(new ArrayList<>());
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                done.add(threads.submit(() -> {
                    SiteRateLimiter.Permit permit = limiter.acquire("site", Deadline.after(Duration.ofSeconds(5)));
                    long start = System.nanoTime();
                    permit.close();
                    slots.add(new long[] {start, System.nanoTime()});
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            threads.shutdownNow();
        }
        List<Long> starts = slots.stream().map(slot -> slot[0]).sorted().toList();
        for (int i = 0; i + 5 < starts.size(); i++) {
            assertThat(starts.get(i + 5) - starts.get(i)).as("6 requests span at least a window")
                    .isGreaterThanOrEqualTo(WINDOW.toNanos());
        }
    }

    @Test
    void sitesAreIndependentAndAPauseHoldsTheSite() throws Exception {
        SiteRateLimiter limiter = new SiteRateLimiter(1, WINDOW, new SimpleMeterRegistry());
        limiter.acquire("a", Deadline.after(Duration.ofSeconds(1))).close();
        // b has its own budget; a's is spent for a window, so a near deadline gives up at once.
        assertThat(limiter.acquire("b", Deadline.after(Duration.ofMillis(10)))).isNotNull();
        assertThat(limiter.acquire("a", Deadline.after(Duration.ofMillis(10)))).isNull();

        limiter.pause("c", Duration.ofMillis(300));
        long start = System.nanoTime();
        assertThat(limiter.acquire("c", Deadline.after(Duration.ofMillis(100)))).isNull();
        limiter.acquire("c", Deadline.after(Duration.ofSeconds(1))).close();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
    }

    @Test
    void retryAfterIsReadAsSecondsOrHttpDate() {
        assertThat(CustomerIoCalls.parseRetryAfter("2")).contains(Duration.ofSeconds(2));
        String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(10));
        assertThat(CustomerIoCalls.parseRetryAfter(inTenSeconds)).hasValueSatisfying(wait ->
                assertThat(wait).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10)));
        assertThat(CustomerIoCalls.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).contains(Duration.ZERO);
        assertThat(CustomerIoCalls.parseRetryAfter("soon")).isEmpty();
    }
}
