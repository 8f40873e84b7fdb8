package io.hull.customerio.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The connector as it ships: {@code java -jar target/hull-customerio-connector.jar --key=value ...} in its
 * own process, started from the repository root (it reads {@code application.yaml} and {@code routes/}
 * there). Its CPU time and memory are read from the operating system, as an operator would.
 */
final class ConnectorProcess implements AutoCloseable {

    static final Path JAR = Path.of("target", "hull-customerio-connector.jar");
    private static final Duration STARTUP = Duration.ofSeconds(120);

    private final Process process;
    private final int port;
    private final Path log;

    private ConnectorProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts the connector and returns once it is ready ({@code /actuator/health/readiness} answers 200).
     * {@code settings} become {@code --key=value} arguments; the output goes to {@code log}. A JVM option written
     * {@code NAME=value} in capitals (say {@code MALLOC_ARENA_MAX=2}) goes to the connector's environment instead.
     */
    static ConnectorProcess start(List<String> jvmOptions, Map<String, String> settings, Path log) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: build it first (mvn -B -Pbench verify does)");
        }
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Map<String, String> environment = new LinkedHashMap<>();
        for (String option : jvmOptions) {
            if (option.matches("[A-Z_][A-Z0-9_]*=.*")) {
                environment.put(option.substring(0, option.indexOf('=')), option.substring(option.indexOf('=') + 1));
            } else {
                command.add(option);
            }
        }
        command.add("-jar");
        command.add(JAR.toString());
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.put("server.port", String.valueOf(port));
        all.forEach((key, value) -> command.add("--" + key + "=" + value));
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            ConnectorProcess connector = new ConnectorProcess(process, port, log);
            connector.awaitReady();
            return connector;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the connector", e);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    /** User + system CPU time of the whole process so far (every thread, GC and JIT included). */
    Duration cpuTime() {
        return process.toHandle().info().totalCpuDuration()
                .orElseThrow(() -> new IllegalStateException("the OS does not report the connector's CPU time"));
    }

    /**
     * CPU ticks of the JIT's compiler threads ({@code C1/C2 CompilerThre…} in /proc/pid/task/&#42;/stat), by thread id:
     * whether a window measured the steady state or the JIT still at work. See {@link #jitCpuSince}.
     */
    Map<String, Long> jitTicks() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid()), "task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.put(task.getFileName().toString(), Long.parseLong(fields[11]) + Long.parseLong(fields[12])); // utime, stime
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ticks;
    }

    /**
     * The compiler threads' CPU time since {@code before} ({@link #jitTicks}), part of {@link #cpuTime()}. At least:
     * the JVM ends compiler threads it no longer needs, and a thread that ended during the window is not counted.
     */
    Duration jitCpuSince(Map<String, Long> before) {
        long ticks = 0;
        for (Map.Entry<String, Long> thread : jitTicks().entrySet()) {
            ticks += thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
        }
        return Duration.ofMillis(ticks * 1000 / CLOCK_TICKS_PER_SECOND);
    }

    /** USER_HZ: 100 on Linux for every architecture this runs on. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    /** Peak resident set size so far ({@code VmHWM} in /proc/pid/status), in KiB. */
    long peakRssKib() {
        return procStatus("VmHWM");
    }

    /** Resident set size now ({@code VmRSS}), in KiB. */
    long rssKib() {
        return procStatus("VmRSS");
    }

    private long procStatus(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException(field + " not in /proc/" + pid() + "/status");
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest readiness = HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(2)).build();
        long until = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < until) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the connector exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Bench.sleep(Duration.ofMillis(250));
        }
        close();
        throw new IllegalStateException("the connector was not ready within " + STARTUP + "; see " + log);
    }

    /** SIGTERM (Spring's graceful shutdown; a JFR recording is written then), SIGKILL after 30 s. */
    @Override
    public void close() {
        if (process.isAlive()) {
            HostLoad.connectorStopped(cpuTime());
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
