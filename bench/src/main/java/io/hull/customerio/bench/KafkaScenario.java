package io.hull.customerio.bench;

import io.hull.customerio.simulator.CustomerIoSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Item 6: the Kafka transport with a local broker (spring-kafka-test's KRaft broker, in the bench JVM):
 * how fast notifications are accepted (answered once in Kafka), how fast the consumer delivers them to
 * Customer.io, and the time from a notification's POST to its user's identify call at the simulator.
 */
final class KafkaScenario implements Bench.Scenario {

    private static final String SITE = "bench-kafka";
    private static final int PARTITIONS = 4;
    private static final Duration WARM_UP = Duration.ofSeconds(30);
    private static final Duration MEASURE = Duration.ofSeconds(30);
    private static final int LATENCY_PROBES = 50;

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public void run(Bench bench) throws Exception {
        EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, PARTITIONS,
                "hull-user-updates", "hull-user-updates.dlq", "customerio-webhooks", "customerio-webhooks.dlq");
        kafka.afterPropertiesSet();
        try (CustomerIoSimulator simulator = CustomerIoSimulator.start()) {
            Map<String, String> settings = bench.settings(simulator);
            settings.put("connector.transport", "kafka");
            settings.put("camel.component.kafka.brokers", kafka.getBrokersAsString());
            try (ConnectorProcess connector = bench.connector("kafka", List.of(), settings)) {
                String item = "6. Kafka mode";
                NotificationLoad load = new NotificationLoad(connector.baseUrl(), bench.notifications, SITE,
                        ThroughputScenario.USERS_PER_NOTIFICATION, ThroughputScenario.PARALLEL_NOTIFICATIONS);
                simulator.recording(false);
                load.runFor(bench.duration(WARM_UP));
                drain(simulator, Long.MAX_VALUE);

                simulator.reset();
                long start = System.nanoTime();
                NotificationLoad.Outcome accepted = load.runFor(bench.duration(MEASURE));
                // The backlog left when the load stops is delivered with nothing else running: the consumer's own rate.
                long loadStopped = System.nanoTime();
                long deliveredDuringLoad = simulator.trackRequests();
                System.out.printf("[kafka] load stopped at %s with %d of %d users delivered%n", java.time.Instant.now(),
                        deliveredDuringLoad, accepted.users());
                long delivered = drain(simulator, accepted.users());
                long drained = System.nanoTime();
                System.out.printf("[kafka] backlog drained at %s%n", java.time.Instant.now());
                double deliverySeconds = (drained - start) / 1e9;
                double backlogSeconds = (drained - loadStopped) / 1e9;
                bench.results.info(item, "load", Results.format("%d parallel notifications of %d fresh users, %s after %s warm-up;"
                                + " broker in the bench JVM, %d partitions, defaults (batch-size 100, 1 consumer)",
                        ThroughputScenario.PARALLEL_NOTIFICATIONS, ThroughputScenario.USERS_PER_NOTIFICATION,
                        bench.duration(MEASURE), bench.duration(WARM_UP), PARTITIONS));
                bench.results.row(item, "notifications accepted (answered 200 once in Kafka)", "all 200",
                        Results.format("%.0f users/s, answers %s", accepted.users() / (accepted.elapsed().toNanos() / 1e9),
                                accepted.answers()), accepted.allAnswered200());
                bench.results.row(item, "users delivered to Customer.io by the consumer", "every accepted user",
                        Results.format("%d of %d, %.0f users/s (from the first POST to the last identify)", delivered,
                                accepted.users(), delivered / deliverySeconds), delivered >= accepted.users());
                bench.results.info(item, "backlog delivered after the load stopped (the consumer alone)",
                        Results.format("%d users in %.1f s: %.0f users/s", delivered - deliveredDuringLoad, backlogSeconds,
                                (delivered - deliveredDuringLoad) / backlogSeconds));

                simulator.recording(true);
                List<Double> latencies = new ArrayList<>();
                NotificationLoad single = new NotificationLoad(connector.baseUrl(), bench.notifications, SITE, 1, 1);
                for (int probe = 0; probe < LATENCY_PROBES; probe++) {
                    simulator.reset();
                    long posted = System.nanoTime();
                    single.runUsers(1, users -> { });
                    Optional<Long> arrival = awaitFirstArrival(simulator);
                    arrival.ifPresent(at -> latencies.add((at - posted) / 1e6));
                }
                latencies.sort(Double::compare);
                if (latencies.isEmpty()) {
                    bench.results.row(item, "notification → Customer.io call", "", "no identify arrived", false);
                } else {
                    bench.results.info(item, "notification → Customer.io call (one user at a time, " + latencies.size() + " probes)",
                            Results.format("p50 %.0f ms, p99 %.0f ms, max %.0f ms", percentile(latencies, 50),
                                    percentile(latencies, 99), latencies.get(latencies.size() - 1)));
                }
                bench.results.detail(name(), "latenciesMillis", latencies);
            }
        } finally {
            kafka.destroy();
        }
    }

    /** Waits until the simulator has {@code expected} identify calls or none came for 5 s; the count. */
    private static long drain(CustomerIoSimulator simulator, long expected) {
        long last = -1;
        long quietSince = System.nanoTime();
        while (simulator.trackRequests() < expected) {
            long now = simulator.trackRequests();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > Duration.ofSeconds(5).toNanos()) {
                break;
            }
            Bench.sleep(Duration.ofMillis(20));
        }
        return simulator.trackRequests();
    }

    private static Optional<Long> awaitFirstArrival(CustomerIoSimulator simulator) {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < until) {
            Optional<Long> first = simulator.requests().stream().filter(r -> "PUT".equals(r.method()))
                    .map(CustomerIoSimulator.Request::arrivalNanos).min(Long::compare);
            if (first.isPresent()) {
                return first;
            }
            Bench.sleep(Duration.ofMillis(1));
        }
        return Optional.empty();
    }

    private static double percentile(List<Double> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
