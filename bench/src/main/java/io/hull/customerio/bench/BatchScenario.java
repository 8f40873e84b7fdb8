package io.hull.customerio.bench;

import io.hull.customerio.simulator.CustomerIoSimulator;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Item 8 (issue #18): users delivered per second under a Customer.io limit of 10 requests/s, {@code customerio.api=v1}
 * against {@code v2-batch}, side by side in one run; then the CPU per user of each with the limit off. Users of the
 * shared fixture with fresh ids, one identify each; 32 notifications of 100 users in flight, so users always wait in
 * both modes. "Delivered" is counted where Customer.io would: identify PUTs answered 200 (v1), identify items accepted
 * (v2). The simulator answers {@code /api/v2/batch} like Customer.io (size limits, 207, 429 with Retry-After).
 */
final class BatchScenario implements Bench.Scenario {

    private static final int LIMIT = 10;
    private static final int PARALLEL_NOTIFICATIONS = 32;
    private static final Duration WARM_UP = Duration.ofSeconds(30);
    private static final Duration MEASURE = Duration.ofSeconds(20);

    @Override
    public String name() {
        return "batch";
    }

    @Override
    public void run(Bench bench) {
        String item = "8. Track API v2 batches";
        Map<String, Double> limited = new LinkedHashMap<>();
        try (CustomerIoSimulator simulator = CustomerIoSimulator.start()) {
            simulator.recording(false);
            for (String api : List.of("v1", "v2-batch")) {
                for (boolean limit : new boolean[] {true, false}) {
                    Map<String, String> settings = bench.settings(simulator);
                    settings.put("customerio.api", api);
                    settings.put("customerio.rate-limit", String.valueOf(limit ? LIMIT : 100_000));
                    String run = "batch-" + api + (limit ? "-limited" : "-unlimited");
                    try (ConnectorProcess connector = bench.connector(run, List.of(), settings)) {
                        new NotificationLoad(connector.baseUrl(), bench.notifications, run + "-warm-up",
                                ThroughputScenario.USERS_PER_NOTIFICATION, PARALLEL_NOTIFICATIONS).runFor(bench.duration(WARM_UP));
                        simulator.reset();
                        Duration cpuBefore = connector.cpuTime();
                        NotificationLoad.Outcome outcome = new NotificationLoad(connector.baseUrl(), bench.notifications, run,
                                ThroughputScenario.USERS_PER_NOTIFICATION, PARALLEL_NOTIFICATIONS).runFor(bench.duration(MEASURE));
                        Duration cpu = connector.cpuTime().minus(cpuBefore);
                        long delivered = "v1".equals(api) ? simulator.trackRequests()
                                : simulator.batchItems().getOrDefault("identify", 0L);
                        double perSecond = delivered / (outcome.elapsed().toNanos() / 1e9);
                        double cpuPerUser = delivered == 0 ? 0 : cpu.toNanos() / 1e3 / delivered;
                        String label = Results.format("%s, %s", api, limit ? "limit " + LIMIT + " req/s" : "no limit");
                        bench.results.row(item, label, "", Results.format(
                                "%.0f users/s delivered, %.0f µs CPU per user, %d requests at Customer.io, answers to Hull %s",
                                perSecond, cpuPerUser, simulator.trackRequests(), outcome.answers()), null);
                        bench.results.detail(name(), run, Map.of("usersPerSecond", perSecond, "cpuMicrosPerUser", cpuPerUser,
                                "requests", simulator.trackRequests(), "answers", outcome.answers()));
                        if (limit) {
                            limited.put(api, perSecond);
                        }
                    }
                }
            }
        }
        double v1 = limited.getOrDefault("v1", 0.0);
        double v2 = limited.getOrDefault("v2-batch", 0.0);
        bench.results.row(item, "v2-batch against v1 under the limit", "≥ 50×",
                Results.format("%.0f×", v1 == 0 ? 0 : v2 / v1), v1 > 0 && v2 >= 50 * v1);
    }
}
