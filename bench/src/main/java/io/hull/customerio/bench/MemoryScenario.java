package io.hull.customerio.bench;

import io.hull.customerio.simulator.CustomerIoSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Item 5: the connector's peak RSS ({@code VmHWM}) while it syncs 100,000 users with {@code -Xmx256m},
 * sampled every 10,000 users so growth with the number of users shows. Twice: with what the JVM picks on
 * this machine (G1: 2 processors and more than 1792 MB make it a "server class" machine; an initial heap
 * of 1/64 of the memory, so all 256 MB) and with the JVM options the Docker image ships (Dockerfile,
 * {@code JDK_JAVA_OPTIONS}: the serial collector and a small initial heap, what the JVM picks by itself in
 * a container with one processor or under 1792 MB). Native Memory Tracking showed the difference: G1's
 * own structures are ~50 MB next to a 256 MB heap.
 */
final class MemoryScenario implements Bench.Scenario {

    private static final long USERS = 100_000;
    private static final long SAMPLE_EVERY = 10_000;

    record Sample(long users, long rssKib, long peakRssKib) {
    }

    /** Where the image's JVM options are (ENV JDK_JAVA_OPTIONS), so the benchmark runs what ships. */
    private static final Path DOCKERFILE = Path.of("Dockerfile");

    private static List<List<String>> jvmOptions() {
        List<String> shipped = new ArrayList<>(List.of("-Xmx256m"));
        shipped.addAll(imageJvmOptions());
        return List.of(List.of("-Xmx256m"), shipped);
    }

    /**
     * The Dockerfile's JDK_JAVA_OPTIONS ({@code -Xmx256m} given as well makes its MaxRAMPercentage moot), and its
     * MALLOC_ARENA_MAX as {@code MALLOC_ARENA_MAX=n}, which {@link ConnectorProcess} puts in the environment.
     */
    static List<String> imageJvmOptions() {
        try {
            List<String> lines = Files.readAllLines(DOCKERFILE);
            List<String> options = new ArrayList<>(lines.stream()
                    .filter(line -> line.startsWith("ENV JDK_JAVA_OPTIONS="))
                    .map(line -> line.substring("ENV JDK_JAVA_OPTIONS=".length()).replace("\"", "").trim())
                    .flatMap(value -> Arrays.stream(value.split("\\s+")))
                    .toList());
            if (options.isEmpty()) {
                throw new IllegalStateException("no ENV JDK_JAVA_OPTIONS= line in " + DOCKERFILE.toAbsolutePath());
            }
            lines.stream().filter(line -> line.startsWith("ENV MALLOC_ARENA_MAX="))
                    .map(line -> line.substring("ENV ".length()).replace("\"", "").trim())
                    .forEach(options::add);
            return options;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public void run(Bench bench) {
        // -Dbench.memoryUsers=250000: a longer run, to see where the RSS levels off
        long users = bench.quick ? USERS / 5 : Long.getLong("bench.memoryUsers", USERS);
        try (CustomerIoSimulator simulator = CustomerIoSimulator.start()) {
            simulator.recording(false);
            // -Dbench.memoryJvm="-Xmx256m -XX:+UseSerialGC|-Xmx256m -Xms32m": other option sets, '|' between runs
            String custom = System.getProperty("bench.memoryJvm", "");
            List<List<String>> optionSets = custom.isBlank() ? jvmOptions()
                    : Arrays.stream(custom.split("\\|")).map(set -> List.of(set.trim().split("\\s+"))).toList();
            for (List<String> jvmOptions : optionSets) {
                run(bench, simulator, users, jvmOptions);
            }
        }
    }

    private void run(Bench bench, CustomerIoSimulator simulator, long users, List<String> jvmOptions) {
        String item = "5. Memory";
        String options = String.join(" ", jvmOptions);
        String name = "memory" + (jvmOptions.size() > 1 ? "-" + String.join("", jvmOptions.subList(1, jvmOptions.size())).replaceAll("\\W", "") : "");
        try (ConnectorProcess connector = bench.connector(name, jvmOptions, bench.settings(simulator))) {
            List<Sample> samples = new ArrayList<>();
            NotificationLoad load = new NotificationLoad(connector.baseUrl(), bench.notifications, "bench-memory",
                    ThroughputScenario.USERS_PER_NOTIFICATION, ThroughputScenario.PARALLEL_NOTIFICATIONS);
            NotificationLoad.Outcome outcome = load.runUsers(users, answered -> {
                if (answered % SAMPLE_EVERY == 0) {
                    synchronized (samples) {
                        samples.add(new Sample(answered, connector.rssKib(), connector.peakRssKib()));
                    }
                }
            });
            long peak = connector.peakRssKib();
            Sample half = samples.stream().filter(s -> s.users() >= users / 2).findFirst().orElseThrow();
            long growthKib = peak - half.peakRssKib();
            bench.results.row(item, Results.format("%s: peak RSS (VmHWM), %,d users", options, users), "< 400 MB",
                    Results.format("%.0f MB", peak / 1024.0), peak < 400 * 1024);
            bench.results.row(item, Results.format("%s: peak RSS growth from %,d to %,d users", options, half.users(), users),
                    "none (≤ 5 %)", Results.format("%+.1f MB", growthKib / 1024.0), growthKib <= 0.05 * half.peakRssKib());
            bench.results.info(item, options + ": RSS / peak RSS every 10,000 users (MB)", samples.stream()
                    .map(s -> Results.format("%dk: %.0f/%.0f", s.users() / 1000, s.rssKib() / 1024.0, s.peakRssKib() / 1024.0))
                    .reduce((a, b) -> a + ", " + b).orElse(""));
            bench.results.info(item, options + ": answers, rate", Results.format("%s, %.0f users/s",
                    outcome.answers(), outcome.users() / (outcome.elapsed().toNanos() / 1e9)));
            bench.results.detail(name(), options, Map.of("samples", samples, "peakRssKib", peak,
                    "answers", Map.copyOf(outcome.answers())));
        }
    }
}
