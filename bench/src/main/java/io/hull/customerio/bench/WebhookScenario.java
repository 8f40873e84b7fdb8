package io.hull.customerio.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hull.customerio.simulator.CustomerIoSimulator;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Item 4: {@code POST /webhook} with the simulator as Hull's firehose. Open loop at a fixed rate (a
 * request is sent when its time comes, whether or not the earlier ones were answered, and its latency
 * counts from that time: a slow answer cannot hide the requests queued behind it), then closed loop
 * with a fixed number of connections for the sustained rate the connector reaches.
 */
final class WebhookScenario implements Bench.Scenario {

    private static final int RATE = 500;
    /**
     * From a cold start the connector cannot keep up with 500/s (the JIT compiler alone took a fifth of its CPU
     * in the first minute), and an open loop then builds a backlog that takes the rest of the run to drain. So
     * it is warmed up first in a closed loop (which cannot build a backlog), then 10 s at the measured rate.
     */
    private static final Duration WARM_UP = Duration.ofSeconds(45);
    private static final Duration WARM_UP_AT_RATE = Duration.ofSeconds(10);
    private static final int WARM_UP_CONNECTIONS = 8;
    private static final Duration MEASURE = Duration.ofSeconds(30);
    private static final int CLOSED_LOOP_CONNECTIONS = 32;
    private static final String TOKEN = "bench-token";
    private static final String EVENT_ID = "__EVENT_ID__";

    /** Latencies (ns) of the answered requests, and the failures (non-200 answers and errors). */
    record Outcome(long[] sortedLatencies, long errors, Duration elapsed) {
        String summary() {
            return Results.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d errors", millis(50), millis(99),
                    sortedLatencies.length == 0 ? 0 : sortedLatencies[sortedLatencies.length - 1] / 1e6, errors);
        }

        double millis(double percentile) {
            return Windows.percentile(sortedLatencies, percentile) / 1e6;
        }

        double perSecond() {
            return sortedLatencies.length / (elapsed.toNanos() / 1e9);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String template = template();
    private final AtomicLong events = new AtomicLong();

    @Override
    public String name() {
        return "webhooks";
    }

    @Override
    public void run(Bench bench) throws Exception {
        String item = "4. Webhooks";
        try (CustomerIoSimulator simulator = CustomerIoSimulator.start()) {
            Map<String, String> settings = bench.settings(simulator);
            settings.put("customerio.webhook.token", TOKEN);
            settings.put("hull.organization", "bench.hullapp.io");
            settings.put("hull.connector-id", "bench-connector");
            settings.put("hull.secret", "bench-hull-secret-0123456789abcdef");
            // Tomcat's access log: when each request began and how long the server took (%D: microseconds), to
            // tell the connector's share of the latency from the load generator's and the machine's.
            Path accessLogs = bench.file("webhooks-access");
            settings.put("server.tomcat.accesslog.enabled", "true");
            settings.put("server.tomcat.accesslog.directory", accessLogs.toAbsolutePath().toString());
            settings.put("server.tomcat.accesslog.pattern", "%{begin:msec}t %D %s");
            long measuredFrom;
            long measuredTo;
            try (ConnectorProcess connector = bench.connector("webhooks", List.of(), settings)) {
                URI url = URI.create(connector.baseUrl() + "/webhook?token=" + TOKEN);
                closedLoop(url, WARM_UP_CONNECTIONS, bench.duration(WARM_UP));
                openLoop(url, RATE, bench.duration(WARM_UP_AT_RATE));
                simulator.reset();
                measuredFrom = System.currentTimeMillis();
                Outcome open = openLoop(url, RATE, bench.duration(MEASURE));
                measuredTo = System.currentTimeMillis();
                long forwarded = simulator.firehoseEntries();
                bench.results.row(item, Results.format("open loop at %d/s for %s (after %s closed loop, %d connections, and %s at %d/s): latency",
                                RATE, bench.duration(MEASURE), bench.duration(WARM_UP), WARM_UP_CONNECTIONS, bench.duration(WARM_UP_AT_RATE), RATE),
                        "p99 < 50 ms, 0 errors", open.summary(), open.millis(99) < 50 && open.errors() == 0);
                bench.results.info(item, "open loop: track calls received by the Hull stand-in",
                        Results.format("%d of %d webhooks, in %d firehose requests", forwarded,
                                open.sortedLatencies().length + open.errors(), simulator.firehoseRequests()));
                Outcome closed = closedLoop(url, CLOSED_LOOP_CONNECTIONS, bench.duration(MEASURE));
                bench.results.info(item, Results.format("closed loop, %d connections: sustained rate", CLOSED_LOOP_CONNECTIONS),
                        Results.format("%.0f webhooks/s, %s", closed.perSecond(), closed.summary()));
                bench.results.detail(name(), "openLoop", Map.of("p50ms", open.millis(50), "p99ms", open.millis(99),
                        "errors", open.errors(), "answered", open.sortedLatencies().length));
                bench.results.detail(name(), "closedLoop", Map.of("perSecond", closed.perSecond(), "p50ms", closed.millis(50),
                        "p99ms", closed.millis(99), "errors", closed.errors()));
            }
            // the connector has stopped: its access log is complete
            long[] serverMicros = serverTimes(accessLogs, measuredFrom, measuredTo);
            bench.results.info(item, "open loop: time in the connector (Tomcat access log, request begin to end)",
                    Results.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d requests)",
                            Windows.percentile(serverMicros, 50) / 1e3, Windows.percentile(serverMicros, 99) / 1e3,
                            serverMicros.length == 0 ? 0 : serverMicros[serverMicros.length - 1] / 1e3, serverMicros.length));
        }
    }

    /** Server-side durations (µs) of the requests that began in [from, to] (epoch ms), sorted. */
    private static long[] serverTimes(Path directory, long from, long to) throws IOException {
        List<Long> micros = new ArrayList<>();
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                for (String line : Files.readAllLines(file)) {
                    String[] fields = line.trim().split(" ");
                    if (fields.length == 3) {
                        long began = Long.parseLong(fields[0]);
                        if (began >= from && began <= to) {
                            micros.add(Long.parseLong(fields[1]));
                        }
                    }
                }
            }
        }
        return micros.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private Outcome openLoop(URI url, int rate, Duration duration) throws InterruptedException {
        int total = (int) (rate * duration.toSeconds());
        long period = TimeUnit.SECONDS.toNanos(1) / rate;
        long[] latencies = new long[total];
        AtomicLong errors = new AtomicLong();
        List<CompletableFuture<?>> answers = new ArrayList<>(total);
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * period;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            int index = i;
            answers.add(http.sendAsync(request(url), HttpResponse.BodyHandlers.discarding()).handle((response, failure) -> {
                latencies[index] = System.nanoTime() - due;
                if (failure != null || response.statusCode() != 200) {
                    if (errors.incrementAndGet() <= 3) {
                        System.out.println("[webhooks] failed: " + (failure != null ? failure : "HTTP " + response.statusCode()));
                    }
                    latencies[index] = -1;
                }
                return null;
            }));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        return new Outcome(java.util.Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray(), errors.get(), elapsed);
    }

    private Outcome closedLoop(URI url, int connections, Duration duration) throws InterruptedException {
        List<List<Long>> latencies = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        long until = start + duration.toNanos();
        for (int i = 0; i < connections; i++) {
            List<Long> mine = new ArrayList<>();
            latencies.add(mine);
            Thread thread = new Thread(() -> {
                while (System.nanoTime() < until) {
                    long sent = System.nanoTime();
                    try {
                        if (http.send(request(url), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                            mine.add(System.nanoTime() - sent);
                        } else {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        return new Outcome(Windows.sorted(latencies.stream().flatMap(List::stream).toList()), errors.get(), elapsed);
    }

    /** The reporting fixture with an event id of its own, as Customer.io sends every delivery. */
    private HttpRequest request(URI url) {
        return HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(template.replace(EVENT_ID, "bench-" + events.incrementAndGet())))
                .build();
    }

    private static String template() {
        ObjectMapper json = new ObjectMapper();
        try (InputStream in = WebhookScenario.class.getClassLoader()
                .getResourceAsStream("fixtures/customerio/reporting-email-delivered.json")) {
            ObjectNode webhook = (ObjectNode) json.readTree(in);
            webhook.put("event_id", EVENT_ID);
            return json.writeValueAsString(webhook);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
