package io.hull.customerio.bench;

import io.hull.customerio.customerio.CustomerIoCall;
import io.hull.customerio.customerio.CustomerIoCredentials;
import io.hull.customerio.simulator.CustomerIoSimulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.client5.http.classic.methods.HttpPut;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * Item 2: users synced per second through {@code /smart-notifier} with the throttle effectively off
 * ({@code customerio.rate-limit=1000000}), next to the machine's ceiling measured in the same run: a bare
 * JDK {@link HttpClient} sending the same PUTs (the body the connector sent, fresh ids) to the same
 * simulator with as many requests in flight as the connector can have ({@link #IN_FLIGHT}). Since the connector
 * calls Customer.io with Apache's classic client, which costs half the CPU per request of the JDK's here, a
 * second ceiling with that client is measured in every round too, and the ratio to it reported next to the
 * issue's. Then the same connector run again under JFR for the profile (item 7).
 */
final class ThroughputScenario implements Bench.Scenario {

    static final int USERS_PER_NOTIFICATION = 100;
    static final int PARALLEL_NOTIFICATIONS = 4;
    /**
     * Requests the ceiling keeps in flight: the connector's own most, the threads of its per-user split
     * ({@code parallelProcessing}: Camel's default thread pool, 10 threads; the queue never fills here).
     */
    static final int IN_FLIGHT = 10;
    private static final String SITE = "bench-throughput";
    /**
     * The connector's JIT needs long on 2 shared cores: 90 s in, its compiler threads still used a third as much
     * CPU as the split's workers (JFR, jdk.ThreadCPULoad). After 45 s the windows still rose (1,429 → 1,849
     * users/s, run 20261123-225858); after 120 s they read 2,459-2,692 (run -231329), but the C2 compiler thread
     * stayed busy (10-16 % in JFR's thread CPU load) until about 2.5 minutes after the start, and fell to 1-4 % only
     * after 4 minutes (the profiles of runs 20261124-005418 and -014508). After 240 s the compiler threads used
     * 0.00-0.12 cores in the windows (measured in every run since: "the JIT's compiler threads").
     * A connector runs for days: the steady state is what counts.
     */
    private static final Duration WARM_UP = Duration.parse(System.getProperty("bench.warmUp", "PT240S"));
    private static final Duration CEILING_WARM_UP = Duration.ofSeconds(15);
    /**
     * Ten rounds of a connector window and a ceiling window, the median ratio reported: this VM's CPU is shared and
     * one round's ratio ranged from 38 % to 61 % within one run (-233436), from 33 % to 61 % with five rounds of
     * 15 s (-003659). Short windows keep each pair close in time, and the order alternates (connector
     * first in even rounds, ceiling first in odd ones) so that a drift of the host's speed during a round
     * favours neither side.
     */
    private static final int ROUNDS = 10;
    private static final Duration MEASURE = Duration.ofSeconds(8);
    private static final Duration PROFILE = Duration.ofSeconds(30);

    /** One measured connector run. */
    record Run(long users, Duration elapsed, Duration cpu, Duration jitCpu, int maxInFlight, Map<Integer, Long> answers,
               Instant from, Instant to) {
        double usersPerSecond() {
            return users / (elapsed.toNanos() / 1e9);
        }

        double cpuMicrosPerUser() {
            return cpu.toNanos() / 1e3 / users;
        }

        /** Cores the JIT's compiler threads used during the window (0.02 = 2 % of one core). */
        double jitCores() {
            return (double) jitCpu.toNanos() / elapsed.toNanos();
        }
    }

    @Override
    public String name() {
        return "throughput";
    }

    @Override
    public void run(Bench bench) throws Exception {
        try (CustomerIoSimulator simulator = CustomerIoSimulator.start()) {
            simulator.recording(false);
            Ceiling jdkCeiling = new Ceiling(bench, simulator, IN_FLIGHT, "ceiling (JDK HttpClient)", jdkClient());
            Ceiling apacheCeiling = new Ceiling(bench, simulator, IN_FLIGHT, "ceiling (Apache classic)", apacheClient());
            String baselineDirectory = System.getProperty("bench.baseline", "");
            Baseline baseline = baselineDirectory.isBlank() ? null : new Baseline(bench, simulator, Path.of(baselineDirectory));
            List<Beside> beside = new ArrayList<>(List.of(jdkCeiling, apacheCeiling));
            if (baseline != null) {
                beside.add(baseline);
            }
            List<Run> runs;
            try {
                runs = measure(bench, simulator, "throughput", List.of(), ROUNDS, bench.duration(MEASURE), beside);
            } finally {
                if (baseline != null) {
                    baseline.close();
                }
            }
            List<Double> ceilings = jdkCeiling.windows;
            // the round with the median ratio: connector and ceiling of the same round ran one right after the other
            int median = java.util.stream.IntStream.range(0, runs.size()).boxed()
                    .sorted(Comparator.comparingDouble(i -> runs.get(i).usersPerSecond() / ceilings.get(i)))
                    .toList().get(runs.size() / 2);
            Run run = runs.get(median);
            double ceiling = ceilings.get(median);
            String item = "2. Outgoing throughput";
            bench.results.info(item, "load", Results.format("%d parallel notifications of %d fresh users (1 identify PUT each), signed;"
                            + " notifications built and signed before each window; %d rounds after %s warm-up, each a window of %s of the connector and one of each ceiling (order: C J A, A J C, C A J, J A C, ...);"
                            + " the round with the median ratio", PARALLEL_NOTIFICATIONS, USERS_PER_NOTIFICATION, ROUNDS,
                    bench.duration(WARM_UP), bench.duration(MEASURE)));
            bench.results.info(item, "answers", runs.stream().map(r -> r.answers().toString()).collect(Collectors.joining(" ")));
            bench.results.info(item, "requests in flight at the simulator (max)", String.valueOf(run.maxInFlight()));
            bench.results.info(item, "ceiling: bare JDK HttpClient, same PUTs, same simulator, " + IN_FLIGHT + " in flight",
                    Results.format("%.0f requests/s (windows: %s; requests that failed, left out: %d)", ceiling,
                            windows(ceilings, c -> c), jdkCeiling.failed()));
            List<Double> apacheRatios = java.util.stream.IntStream.range(0, runs.size())
                    .mapToObj(i -> runs.get(i).usersPerSecond() / apacheCeiling.windows.get(i)).toList();
            bench.results.info(item, "second ceiling: bare Apache HttpClient 5 classic (the connector's client), same PUTs, "
                            + IN_FLIGHT + " in flight",
                    Results.format("%.0f requests/s (median window); the connector at %.0f %% of it (median of the rounds' ratios;"
                                    + " the rounds': %s; windows: %s; requests that failed, left out: %d)",
                            apacheCeiling.windows.stream().sorted().toList().get(apacheCeiling.windows.size() / 2),
                            100 * apacheRatios.stream().sorted().toList().get(apacheRatios.size() / 2),
                            apacheRatios.stream().map(r -> Results.format("%.0f %%", 100 * r)).collect(Collectors.joining(", ")),
                            windows(apacheCeiling.windows, c -> c), apacheCeiling.failed()));
            boolean all200 = runs.stream().allMatch(r -> r.answers().keySet().equals(Set.of(200)));
            bench.results.row(item, "connector: users synced per second", "≥ 50 % of the ceiling",
                    Results.format("%.0f users/s = %.0f %% of the ceiling (windows: %s; ratios: %s)", run.usersPerSecond(),
                            100 * run.usersPerSecond() / ceiling, windows(runs, Run::usersPerSecond),
                            java.util.stream.IntStream.range(0, runs.size())
                                    .mapToObj(i -> Results.format("%.0f %%", 100 * runs.get(i).usersPerSecond() / ceilings.get(i)))
                                    .collect(Collectors.joining(", "))),
                    run.usersPerSecond() >= ceiling / 2 && all200);
            bench.results.info(item, "connector CPU time per synced user (user + system, whole process)",
                    Results.format("%.0f µs (windows: %s)", run.cpuMicrosPerUser(), windows(runs, Run::cpuMicrosPerUser)));
            if (baseline != null) {
                reportBaseline(bench, item, runs, baseline);
            }
            bench.results.info(item, "the JIT's compiler threads during the windows (part of the CPU above)",
                    Results.format("%.2f cores (windows: %s)", run.jitCores(),
                            runs.stream().map(r -> Results.format("%.2f", r.jitCores())).collect(Collectors.joining(", "))));
            bench.results.detail(name(), "runs", runs);
            bench.results.detail(name(), "ceilingRequestsPerSecond", ceilings);
            bench.results.detail(name(), "apacheCeilingRequestsPerSecond", apacheCeiling.windows);

            if (!Boolean.parseBoolean(System.getProperty("bench.profile", "true"))) {
                return; // -Dbench.profile=false: no JFR run (quicker, to compare settings)
            }
            Optional<Path> agent = CpuProfiler.agent(bench.file("libasyncProfiler.so"));
            Path recording = bench.file(agent.isPresent() ? "throughput-cpu.jfr" : "throughput.jfr");
            String source = agent.isPresent() ? "async-profiler, event=cpu, every 1 ms of CPU" : "JFR, profile settings";
            List<String> profilerOptions = agent.isPresent()
                    ? List.of("-agentpath:" + agent.get() + "=start,event=cpu,interval=1ms,jstackdepth=256,file=" + recording)
                    : List.of("-XX:FlightRecorderOptions:stackdepth=256",
                              "-XX:StartFlightRecording=filename=" + recording + ",settings=profile,dumponexit=true");
            Run profiled = measure(bench, simulator, "throughput-profile", profilerOptions, 1, bench.duration(PROFILE), List.of()).get(0);
            JfrHotSpots.Profile profile = JfrHotSpots.analyze(source, recording, profiled.from(), profiled.to(), 20);
            bench.results.info(item, "under the profiler (" + source + ")", Results.format("%.0f users/s, %.0f µs CPU per user",
                    profiled.usersPerSecond(), profiled.cpuMicrosPerUser()));
            bench.results.section("Profile of the outgoing path (" + source + ", " + recording + ")",
                    profile.markdown(profiled.cpuMicrosPerUser()));
            bench.results.detail(name(), "profile", profile);
        }
    }

    /**
     * The baseline beside the connector: each its median window, and the median of the rounds' ratios (connector ÷
     * baseline; the two windows of a round ran within seconds of each other, so the host's drift cancels out).
     */
    private static void reportBaseline(Bench bench, String item, List<Run> runs, Baseline baseline) {
        List<Double> throughput = java.util.stream.IntStream.range(0, runs.size())
                .mapToObj(i -> runs.get(i).usersPerSecond() / baseline.runs.get(i).usersPerSecond()).toList();
        List<Double> cpu = java.util.stream.IntStream.range(0, runs.size())
                .mapToObj(i -> runs.get(i).cpuMicrosPerUser() / baseline.runs.get(i).cpuMicrosPerUser()).toList();
        bench.results.info(item, "baseline " + baseline.directory + " in the same rounds",
                Results.format("%.0f users/s, %.0f µs CPU per user (median windows; users/s: %s; µs: %s; answers: %s)",
                        median(baseline.runs.stream().map(Run::usersPerSecond).toList()),
                        median(baseline.runs.stream().map(Run::cpuMicrosPerUser).toList()),
                        windows(baseline.runs, Run::usersPerSecond), windows(baseline.runs, Run::cpuMicrosPerUser),
                        baseline.runs.stream().map(r -> r.answers().toString()).collect(Collectors.joining(" "))));
        bench.results.info(item, "connector ÷ baseline, median of the rounds",
                Results.format("users/s %.2f× (rounds: %s); CPU per user %.2f× (rounds: %s)",
                        median(throughput), throughput.stream().map(r -> Results.format("%.2f", r)).collect(Collectors.joining(", ")),
                        median(cpu), cpu.stream().map(r -> Results.format("%.2f", r)).collect(Collectors.joining(", "))));
        bench.results.detail("throughput", "baselineRuns", baseline.runs);
    }

    private static double median(List<Double> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    /** Each window's value, rounded: "3837, 4958, 5191". */
    private static <T> String windows(List<T> windows, java.util.function.ToDoubleFunction<T> value) {
        return windows.stream().map(w -> Results.format("%.0f", value.applyAsDouble(w))).collect(Collectors.joining(", "));
    }

    /**
     * One connector process: warm-up, then {@code rounds} measured windows of {@code window} each, each next to
     * a window of every ceiling given (which keeps its windows) while the connector is idle. Side by side, so that
     * all see the same host: this VM's speed drifts within minutes (docs/benchmarks.md). The order changes from round
     * to round so that a drift favours no window: see the loop.
     */
    private List<Run> measure(Bench bench, CustomerIoSimulator simulator, String name, List<String> jvmOptions,
                              int rounds, Duration window, List<? extends Beside> ceilings) throws InterruptedException {
        try (ConnectorProcess connector = bench.connector(name, jvmOptions, bench.settings(simulator))) {
            NotificationLoad load = new NotificationLoad(connector.baseUrl(), bench.notifications, SITE,
                    USERS_PER_NOTIFICATION, PARALLEL_NOTIFICATIONS);
            load.runFor(bench.duration(WARM_UP).minus(window));
            NotificationLoad.Outcome warmedUp = load.runFor(window);
            // The ratio's windows send notifications built and signed ahead: for half again the pace of the last
            // window so far (the profile's run builds them as it goes: its 30 s would need ~1 GB of them).
            int perWindow = notificationsFor(warmedUp, window);
            for (Beside ceiling : ceilings) {
                ceiling.warmUp(); // needs the PUT body the connector sends
            }
            boolean measuredAgainstCeilings = !ceilings.isEmpty();
            List<Run> runs = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                // The connector first in even rounds, last in odd ones; the ceiling next to it changes every two
                // rounds. With two ceilings (JDK, Apache): C J A, A J C, C A J, J A C, then again.
                boolean ceilingsFirst = round % 2 == 1;
                List<Beside> order = new ArrayList<>(ceilings);
                if ((round / 2) % 2 == 1) {
                    Collections.reverse(order);
                }
                if (ceilingsFirst) {
                    Collections.reverse(order); // the one next to the connector goes last
                    for (Beside ceiling : order) {
                        ceiling.window();
                    }
                }
                if (measuredAgainstCeilings) {
                    load.prepare(perWindow);
                }
                Run run = window(name, simulator, connector, load, window, measuredAgainstCeilings);
                perWindow = Math.max(perWindow, notificationsFor(run, window));
                runs.add(run);
                if (!ceilingsFirst) {
                    for (Beside ceiling : order) {
                        ceiling.window();
                    }
                }
            }
            return runs;
        }
    }

    /**
     * One measured window of a connector: its users answered, its CPU and its JIT's, what the simulator saw. With
     * {@code prepared}, the notifications were built ahead and a window that outran them says so.
     */
    static Run window(String name, CustomerIoSimulator simulator, ConnectorProcess connector, NotificationLoad load,
                      Duration window, boolean prepared) {
        simulator.reset();
        Duration cpuBefore = connector.cpuTime();
        Map<String, Long> jitBefore = connector.jitTicks();
        Instant from = Instant.now();
        NotificationLoad.Outcome outcome = load.runFor(window);
        Instant to = Instant.now();
        Duration cpu = connector.cpuTime().minus(cpuBefore);
        Duration jit = connector.jitCpuSince(jitBefore);
        if (prepared && outcome.builtWhileSending() > 0) { // the profile's run builds them as it goes
            System.out.printf("note: %d notifications were built during the window (not prepared ahead)%n",
                    outcome.builtWhileSending());
        }
        if (simulator.trackRequests() != outcome.users()) {
            System.out.printf("note: %d users answered, %d requests at the simulator%n", outcome.users(), simulator.trackRequests());
        }
        Run run = new Run(simulator.trackRequests(), outcome.elapsed(), cpu, jit, simulator.maxInFlight(), outcome.answers(), from, to);
        System.out.printf("%s: %.0f users/s, %.0f µs CPU per user, JIT %.2f cores, max %d in flight, answers %s%n",
                name, run.usersPerSecond(), run.cpuMicrosPerUser(), run.jitCores(), run.maxInFlight(), run.answers());
        return run;
    }

    private static int notificationsFor(Run last, Duration window) {
        return (int) Math.ceil(1.5 * last.usersPerSecond() * window.toNanos() / 1e9 / USERS_PER_NOTIFICATION) + PARALLEL_NOTIFICATIONS;
    }

    /** Notifications for a window of {@code window} at half again the pace of {@code last}. */
    private static int notificationsFor(NotificationLoad.Outcome last, Duration window) {
        double usersPerSecond = last.users() / (last.elapsed().toNanos() / 1e9);
        return (int) Math.ceil(1.5 * usersPerSecond * window.toNanos() / 1e9 / USERS_PER_NOTIFICATION) + PARALLEL_NOTIFICATIONS;
    }

    /** One PUT of the ceiling; an IOException is a request the simulator saw but did not answer. */
    @FunctionalInterface
    interface Client {
        void put(String url, String authorization, byte[] body) throws IOException, InterruptedException;
    }

    /** The ceiling: a bare JDK HttpClient, as the connector used until c69d2eb. */
    private static Client jdkClient() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return (url, authorization, body) -> http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .header("Authorization", authorization)
                        .header("Accept", "application/json")
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The client camel-http calls Customer.io with (Apache HttpClient 5), bare: pooled, no retries. */
    private static Client apacheClient() {
        CloseableHttpClient http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(IN_FLIGHT).setMaxConnPerRoute(IN_FLIGHT).build())
                .disableAutomaticRetries()
                .build();
        return new Client() {
            @Override
            public void put(String url, String authorization, byte[] body) throws IOException {
                HttpPut put = new HttpPut(url);
                put.setHeader("Authorization", authorization);
                put.setHeader("Accept", "application/json");
                put.setEntity(new ByteArrayEntity(body, ContentType.create("application/json")));
                http.execute(put, response -> EntityUtils.toString(response.getEntity()));
            }
        };
    }

    /** What is measured beside the connector, a window of it in every round: a ceiling, or the baseline. */
    private interface Beside {
        void warmUp() throws InterruptedException;

        void window() throws InterruptedException;
    }

    /**
     * Another checkout's connector ({@code -Dbench.baseline=<its root>}, its jar built), run as it runs there and
     * measured in the same rounds as this one: "side by side, in one run, on one host". Started once the connector
     * is warm, warmed up as long, then idle while the others' windows run.
     */
    private static final class Baseline implements Beside, AutoCloseable {
        private final Bench bench;
        private final CustomerIoSimulator simulator;
        private final Path directory;
        private ConnectorProcess connector;
        private NotificationLoad load;
        private int perWindow;
        final List<Run> runs = new ArrayList<>();

        Baseline(Bench bench, CustomerIoSimulator simulator, Path directory) {
            this.bench = bench;
            this.simulator = simulator;
            this.directory = directory;
        }

        @Override
        public void warmUp() {
            connector = bench.connectorIn(directory, "throughput-baseline", bench.settings(simulator));
            load = new NotificationLoad(connector.baseUrl(), bench.notifications, SITE, USERS_PER_NOTIFICATION, PARALLEL_NOTIFICATIONS);
            load.runFor(bench.duration(WARM_UP).minus(bench.duration(MEASURE)));
            perWindow = notificationsFor(load.runFor(bench.duration(MEASURE)), bench.duration(MEASURE));
        }

        @Override
        public void window() {
            load.prepare(perWindow);
            Run run = ThroughputScenario.window("baseline " + directory.getFileName(), simulator, connector, load,
                    bench.duration(MEASURE), true);
            perWindow = Math.max(perWindow, notificationsFor(run, bench.duration(MEASURE)));
            runs.add(run);
        }

        @Override
        public void close() {
            if (connector != null) {
                connector.close();
            }
        }
    }

    /** A bare client: {@code inFlight} threads each sending the connector's PUT in a loop. Keeps its windows. */
    private static final class Ceiling implements Beside {
        private final Bench bench;
        private final CustomerIoSimulator simulator;
        private final int inFlight;
        private final String label;
        private final Client client;
        private final AtomicLong ids = new AtomicLong();
        private final AtomicLong failures = new AtomicLong();
        /** Requests per second of every measured window, in order. */
        final List<Double> windows = new ArrayList<>();
        /** Failed requests of every measured window (the JDK HttpServer closes a few keep-alive connections). */
        private long failedInWindows;
        private byte[] body;
        private final String authorization = new CustomerIoCredentials(SITE, "key-" + SITE).authorization();

        Ceiling(Bench bench, CustomerIoSimulator simulator, int inFlight, String label, Client client) {
            this.bench = bench;
            this.simulator = simulator;
            this.inFlight = inFlight;
            this.label = label;
            this.client = client;
        }

        @Override
        public void warmUp() throws InterruptedException {
            body = simulator.lastIdentifyBody();
            runThreads(inFlight, loop(bench.duration(CEILING_WARM_UP)));
        }

        long failed() {
            return failedInWindows;
        }

        /** One window of {@code MEASURE}: its requests per second answered, kept in {@link #windows}. */
        @Override
        public void window() throws InterruptedException {
            simulator.reset();
            failures.set(0);
            long start = System.nanoTime();
            runThreads(inFlight, loop(bench.duration(MEASURE)));
            double perSecond = (simulator.trackRequests() - failures.get()) / ((System.nanoTime() - start) / 1e9);
            failedInWindows += failures.get();
            System.out.printf("%s: %.0f requests/s with %d in flight (max seen %d), %d failed%n",
                    label, perSecond, inFlight, simulator.maxInFlight(), failures.get());
            windows.add(perSecond);
        }

        private Runnable loop(Duration duration) {
            return () -> {
                long until = System.nanoTime() + duration.toNanos();
                while (System.nanoTime() < until) {
                    String url = simulator.baseUrl()
                            + CustomerIoCall.customerPath("ceiling-" + ids.incrementAndGet() + "@bench.example");
                    try {
                        client.put(url, authorization, body);
                    } catch (IOException e) {
                        // counted, and not in the rate: the simulator saw the request but it was not answered
                        failures.incrementAndGet();
                        System.err.println(label + " request failed: " + e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            };
        }
    }

    private static void runThreads(int threads, Runnable task) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int i = 0; i < threads; i++) {
            pool.execute(task);
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.HOURS);
    }
}
