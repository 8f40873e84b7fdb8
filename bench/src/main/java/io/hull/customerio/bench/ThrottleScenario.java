package io.hull.customerio.bench;

import io.hull.customerio.simulator.CustomerIoSimulator;
import io.hull.customerio.simulator.CustomerIoSimulator.Behaviour;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Item 3: {@code customerio.rate-limit} at 100 and 1000 requests/s for one site, measured where
 * Customer.io counts: the arrival of every request at the simulator (429s included). The achieved rate
 * is the steady one: from one second after the first arrival (the limiter starts with every slot free,
 * so the first second is a burst of up to the limit) over the whole seconds until the load stopped
 * (whole seconds: a window of 19.5 s may hold 20 seconds' worth of requests without any 1-second window
 * going over the limit). The worst window
 * is the most arrivals in any sliding second of the whole run, burst included. Each connector is warmed
 * up first (JIT) on a site of its own. Each limit is run clean, with 1 % of the requests
 * answered 429 without {@code Retry-After} (the request is retried after a backoff), and with every
 * 500th answered 429 {@code Retry-After: 1} (the whole site pauses a second, so the rate drops by design).
 */
final class ThrottleScenario implements Bench.Scenario {

    private static final Duration MEASURE = Duration.ofSeconds(20);
    /**
     * Long enough for the JIT (see ThroughputScenario.WARM_UP): after 10 s, the first 1000/s case read 96.1 % and
     * 90.2 % (runs 20261123-210114, -225858; the second with 8 notifications in parallel, so not for want of
     * users waiting) while the cases after it read 99.6-100 %.
     */
    private static final Duration WARM_UP = Duration.ofSeconds(60);
    private static final int PARALLEL_NOTIFICATIONS = 4;

    private record Variant(String key, String description, Behaviour behaviour, boolean rateGoal) {
    }

    private static final List<Variant> VARIANTS = List.of(
            new Variant("clean", "no 429", Behaviour.normal(), true),
            new Variant("429", "1 % answered 429 without Retry-After", Behaviour.normal().failingEvery(100, 429).withRetryAfter(-1), true),
            new Variant("retry-after", "every 500th answered 429 with Retry-After: 1", Behaviour.normal().failingEvery(500, 429).withRetryAfter(1), false));

    @Override
    public String name() {
        return "throttle";
    }

    @Override
    public void run(Bench bench) {
        String item = "3. Throttle precision";
        try (CustomerIoSimulator simulator = CustomerIoSimulator.start()) {
            for (int limit : new int[] {100, 1000}) {
                Map<String, String> settings = bench.settings(simulator);
                settings.put("customerio.rate-limit", String.valueOf(limit));
                try (ConnectorProcess connector = bench.connector("throttle-" + limit, List.of(), settings)) {
                    new NotificationLoad(connector.baseUrl(), bench.notifications, "bench-throttle-warm-up-" + limit,
                            ThroughputScenario.USERS_PER_NOTIFICATION, PARALLEL_NOTIFICATIONS).runFor(bench.duration(WARM_UP));
                    for (Variant variant : VARIANTS) {
                        String site = "bench-throttle-" + limit + "-" + variant.key();
                        simulator.reset();
                        simulator.behave(variant.behaviour());
                        NotificationLoad load = new NotificationLoad(connector.baseUrl(), bench.notifications, site,
                                ThroughputScenario.USERS_PER_NOTIFICATION, PARALLEL_NOTIFICATIONS);
                        long start = System.nanoTime();
                        Duration duration = bench.duration(MEASURE);
                        NotificationLoad.Outcome outcome = load.runFor(duration);
                        long stop = start + duration.toNanos();
                        List<CustomerIoSimulator.Request> requests = simulator.requests().stream()
                                .filter(request -> site.equals(request.siteId())).toList();
                        long[] arrivals = Windows.sorted(requests.stream().map(CustomerIoSimulator.Request::arrivalNanos).toList());
                        long steady = arrivals[0] + Windows.SECOND;
                        long seconds = (stop - steady) / Windows.SECOND;
                        double achieved = Windows.between(arrivals, steady, steady + seconds * Windows.SECOND) / (double) seconds;
                        int worst = Windows.worstSecond(arrivals);
                        long refused = requests.stream().filter(request -> request.status() == 429).count();
                        String label = Results.format("limit %d/s, %s", limit, variant.description());
                        bench.results.row(item, label + ": achieved rate", variant.rateGoal() ? "≥ 97 % of the limit" : "",
                                Results.format("%.1f/s = %.1f %% (%d requests, %d answered 429; answers to Hull %s)",
                                        achieved, 100 * achieved / limit, arrivals.length, refused, outcome.answers()),
                                variant.rateGoal() ? achieved >= 0.97 * limit : null);
                        bench.results.row(item, label + ": worst sliding 1-second window", "≤ " + limit,
                                String.valueOf(worst), worst <= limit);
                        bench.results.detail(name(), limit + "-" + variant.key(), Map.of("achievedPerSecond", achieved,
                                "worstWindow", worst, "requests", arrivals.length, "answered429", refused, "answers", outcome.answers()));
                    }
                }
            }
            simulator.behave(Behaviour.normal());
        }
    }
}
