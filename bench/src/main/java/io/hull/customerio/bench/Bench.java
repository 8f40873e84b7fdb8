package io.hull.customerio.bench;

import io.hull.customerio.simulator.CustomerIoSimulator;
import io.hull.customerio.support.HullNotifierKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark suite of issue #7: {@code mvn -B -Pbench verify} (see docs/benchmarks.md). Every scenario
 * starts the packaged connector as its own process against {@link CustomerIoSimulator} (which also stands
 * in for Hull's firehose), drives it over HTTP and measures it from the outside.
 *
 * <p>System properties: {@code bench.scenarios=throughput,throttle,webhooks,memory,kafka,batch} (default: all, in that
 * order), {@code bench.quick=true} (five times shorter runs, to check the suite itself), {@code bench.jvm}
 * (JVM options added to every connector, e.g. to try a collector). A new scenario (e.g. the Kafka transport:
 * the same load against a connector started with {@code connector.transport=kafka}) is one more
 * {@link Scenario} in {@link #SCENARIOS}.
 */
public final class Bench {

    /** One benchmark: starts what it needs, measures, adds rows to the results, stops what it started. */
    interface Scenario {
        String name();

        void run(Bench bench) throws Exception;
    }

    private static final List<Scenario> SCENARIOS = List.of(
            new ThroughputScenario(), new ThrottleScenario(), new WebhookScenario(), new MemoryScenario(), new KafkaScenario(),
            new BatchScenario());

    /**
     * Other processes may use this much of the machine while a scenario runs; more, and its numbers measure
     * them too (the "Machine load" rows say so). Before each scenario the suite waits for this, a while.
     */
    private static final double QUIET_CORES = 0.25;
    private static final Duration QUIET_PATIENCE = Duration.ofMinutes(10);

    final boolean quick;
    final Path work = Path.of("target", "bench");
    final Results results;
    final Notifications notifications = new Notifications(new HullNotifierKeys());

    private Bench(boolean quick, Results results) {
        this.quick = quick;
        this.results = results;
    }

    public static void main(String[] args) throws Exception {
        List<String> chosen = Arrays.stream(System.getProperty("bench.scenarios", "").split(","))
                .map(String::trim).filter(name -> !name.isEmpty()).toList();
        boolean quick = Boolean.getBoolean("bench.quick");
        Bench bench = new Bench(quick, new Results(Machine.describe()));
        for (Scenario scenario : SCENARIOS) {
            if (chosen.isEmpty() || chosen.contains(scenario.name())) {
                System.out.println("\n=== " + scenario.name() + (quick ? " (quick)" : ""));
                HostLoad.awaitQuiet(QUIET_CORES, QUIET_PATIENCE);
                HostLoad.Snapshot before = HostLoad.now();
                scenario.run(bench);
                double other = HostLoad.otherCores(before, HostLoad.now());
                bench.results.row("Machine load", "other processes' CPU during " + scenario.name(), "< " + QUIET_CORES + " cores",
                        Results.format("%.2f cores", other), other < QUIET_CORES);
            }
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        bench.results.write(Path.of("bench", "results"), stamp);
    }

    /** The full duration, or a fifth of it with {@code --quick}. */
    Duration duration(Duration full) {
        return quick ? full.dividedBy(5) : full;
    }

    /**
     * The settings every scenario shares: Customer.io and Hull's firehose are the simulator, signatures are
     * checked with the benchmark's own key pair, no credentials of our own (notifications carry theirs).
     */
    Map<String, String> settings(CustomerIoSimulator simulator) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("customerio.track-url", simulator.baseUrl());
        settings.put("hull.firehose-url", simulator.baseUrl());
        settings.put("hull.api-url", simulator.baseUrl());
        settings.put("hull.notifier.public-key", notifications.publicKeyLocation());
        settings.put("customerio.rate-limit", "1000000");
        return settings;
    }

    /** Starts a connector; JVM options from the system property {@code bench.jvm} (space-separated) are added to every one. */
    ConnectorProcess connector(String name, List<String> jvmOptions, Map<String, String> settings) {
        List<String> options = new ArrayList<>(jvmOptions);
        Arrays.stream(System.getProperty("bench.jvm", "").split(" ")).filter(option -> !option.isBlank()).forEach(options::add);
        System.out.printf("starting the connector (%s) %s%n", name, String.join(" ", options));
        return ConnectorProcess.start(options, settings, work.resolve(name + ".log"));
    }

    /** A connector of another checkout (the baseline: {@code -Dbench.baseline=<its root>}), with its jar built. */
    ConnectorProcess connectorIn(Path directory, String name, Map<String, String> settings) {
        List<String> options = new ArrayList<>();
        Arrays.stream(System.getProperty("bench.jvm", "").split(" ")).filter(option -> !option.isBlank()).forEach(options::add);
        System.out.printf("starting the baseline connector (%s) from %s %s%n", name, directory, String.join(" ", options));
        return ConnectorProcess.startIn(directory, options, settings, work.resolve(name + ".log"));
    }

    Path file(String name) {
        try {
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return work.resolve(name);
    }

    static void sleep(Duration duration) {
        try {
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
