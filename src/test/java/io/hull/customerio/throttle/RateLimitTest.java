package io.hull.customerio.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import io.hull.customerio.support.ThrottledConnectorTestSupport;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import io.hull.customerio.support.TestNotifications;
import org.junit.jupiter.api.Test;

/**
 * customerio.rate-limit measured where Customer.io would measure it: the arrival time of every
 * request at the stand-in, every sliding one-second window checked.
 */
class RateLimitTest extends ThrottledConnectorTestSupport {

    /**
     * Enough work for 3 full seconds and a partial 4th at 20/s: 2 notifications × 32 users per site. Not more: the
     * last request must go before the notification's deadline (customerio.retry.max-elapsed, 4 s here), and each
     * second of the limiter lasts 1 s plus a round trip (70 requests took 3.4-3.5 s and missed it in 2 runs of 8).
     */
    private static final int USERS_PER_NOTIFICATION = 32;

    @Test
    void everySiteGetsAtMostTheLimitInAnyOneSecondWindowAndNearlyAllOfIt() throws Exception {
        List<String> sites = List.of("rate-site-a", "rate-site-b");
        // warm the path up on a site of its own: a cold JVM spent 1-2 s before the first request left (class loading,
        // the JIT), time taken from the 4 s deadline that this test does not measure
        assertThat(postNotification(notificationFor("rate-warm-up", 20)).statusCode()).isEqualTo(200);
        ExecutorService hull = Executors.newFixedThreadPool(4);
        long posted = System.currentTimeMillis();
        try {
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int n = 0; n < 2; n++) {
                for (String site : sites) {
                    var notification = notificationFor(site, USERS_PER_NOTIFICATION);
                    answers.add(CompletableFuture.supplyAsync(() -> postNotification(notification), hull));
                }
            }
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                answer.get();
            }
            // the arrivals first: when a notification missed its deadline, they show how the seconds went
            for (String site : sites) {
                List<Long> arrivals = arrivals(site);
                System.out.printf("rate %s: first arrival %d ms after posting, last after %d ms, per consecutive second %s%n",
                        site, arrivals.get(0) - posted, arrivals.get(arrivals.size() - 1) - posted, consecutiveSeconds(arrivals));
            }
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                assertThat(answer.get().statusCode()).isEqualTo(200);
            }
        } finally {
            hull.shutdownNow();
        }

        for (String site : sites) {
            List<Long> arrivals = arrivals(site);
            assertThat(arrivals).hasSize(2 * USERS_PER_NOTIFICATION);

            int worstWindow = TestNotifications.worstSlidingWindow(arrivals);
            List<Integer> seconds = consecutiveSeconds(arrivals);
            List<Integer> fullSeconds = seconds.subList(0, seconds.size() - 1); // the last one ran out of work
            double achieved = fullSeconds.stream().mapToInt(Integer::intValue).average().orElseThrow();
            System.out.printf("rate %s: %d requests over %d ms, worst sliding 1 s window %d (limit %d),"
                            + " per consecutive second %s, achieved %.1f/s while work remained%n",
                    site, arrivals.size(), arrivals.get(arrivals.size() - 1) - arrivals.get(0), worstWindow,
                    RATE_LIMIT, seconds, achieved);

            assertThat(worstWindow).as("most requests in any 1 s window").isLessThanOrEqualTo(RATE_LIMIT);
            // Not starved: on a loaded 2-core CI machine one second may fall short (14 of 20 seen once), so the
            // bound is on the average while work remained. Precision is measured by the benchmark (100.0 %).
            assertThat(fullSeconds).as("full seconds").hasSizeGreaterThanOrEqualTo(2);
            assertThat(achieved).as("requests per second while work remained").isGreaterThanOrEqualTo(0.8 * RATE_LIMIT);
        }

        // Independent budgets: both sites were served at the same time, each at its own full rate.
        List<Long> a = arrivals(sites.get(0));
        List<Long> b = arrivals(sites.get(1));
        assertThat(b.get(0)).isLessThan(a.get(a.size() - 1));
        assertThat(a.get(0)).isLessThan(b.get(b.size() - 1));
        List<Long> both = new ArrayList<>(a);
        both.addAll(b);
        both.sort(null);
        assertThat(TestNotifications.worstSlidingWindow(both)).as("two sites together exceed one site's limit")
                .isGreaterThan(RATE_LIMIT);
    }

    /**
     * A site with a backlog (3 s of work at its limit) must not hold up another: the threads that sync users are
     * shared by every notification, and a user waiting for its site's slot holds one. With too few of them, the
     * quiet site's users queued behind the busy site's (0.8-0.9 s late with Camel's default pool of 10).
     */
    @Test
    void aSiteAtItsLimitDoesNotHoldUpAnotherSite() throws Exception {
        assertThat(postNotification(notificationFor("noisy-warm-up", 20)).statusCode()).isEqualTo(200);
        ExecutorService hull = Executors.newFixedThreadPool(2);
        try {
            var busy = notificationFor("noisy-busy-site", 3 * RATE_LIMIT);
            CompletableFuture<HttpResponse<String>> busyAnswer = CompletableFuture.supplyAsync(() -> postNotification(busy), hull);
            // the busy site's users are all waiting for their slots by now
            Thread.sleep(300);
            long posted = System.currentTimeMillis();
            HttpResponse<String> quietAnswer = postNotification(notificationFor("noisy-quiet-site", 5));
            long answered = System.currentTimeMillis() - posted;
            System.out.printf("noisy: quiet answered after %d ms, its arrivals %s, busy's per second %s%n", answered,
                    arrivals("noisy-quiet-site").stream().map(t -> t - posted).toList(),
                    consecutiveSeconds(arrivals("noisy-busy-site")));

            assertThat(quietAnswer.statusCode()).isEqualTo(200);
            assertThat(arrivals("noisy-quiet-site")).hasSize(5);
            assertThat(answered).as("ms until the quiet site's notification was answered").isLessThan(500);
            assertThat(busyAnswer.get().statusCode()).isEqualTo(200);
            assertThat(arrivals("noisy-busy-site")).hasSize(3 * RATE_LIMIT);
        } finally {
            hull.shutdownNow();
        }
    }

    /** Arrivals in [first + k s, first + (k+1) s) for k = 0, 1, ... */
    static List<Integer> consecutiveSeconds(List<Long> sorted) {
        List<Integer> counts = new ArrayList<>();
        long first = sorted.get(0);
        for (long arrival : sorted) {
            int second = (int) ((arrival - first) / 1000);
            while (counts.size() <= second) {
                counts.add(0);
            }
            counts.set(second, counts.get(second) + 1);
        }
        return counts;
    }
}
