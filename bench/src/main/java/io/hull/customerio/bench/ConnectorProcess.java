package io.hull.customerio.bench;

import io.hull.customerio.support.SeparateConnector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The connector as it ships: {@code java -jar target/hull-customerio-connector.jar --key=value ...} in its
 * own process ({@link SeparateConnector}, started from the repository root: its {@code application.yaml} there
 * overrides the packaged one). Its CPU time and memory are read from the operating system, as an operator would.
 */
final class ConnectorProcess implements AutoCloseable {

    static final Path JAR = Path.of("target", "hull-customerio-connector.jar");
    private static final Duration STARTUP = Duration.ofSeconds(120);

    private final SeparateConnector connector;

    private ConnectorProcess(SeparateConnector connector) {
        this.connector = connector;
    }

    /**
     * Starts the connector and returns once it is ready ({@code /actuator/health/readiness} answers 200).
     * {@code settings} become {@code --key=value} arguments; the output goes to {@code log}. A JVM option written
     * {@code NAME=value} in capitals (say {@code MALLOC_ARENA_MAX=2}) goes to the connector's environment instead.
     */
    static ConnectorProcess start(List<String> jvmOptions, Map<String, String> settings, Path log) {
        return startIn(Path.of(System.getProperty("user.dir")), jvmOptions, settings, log);
    }

    /** The same, from another checkout's root {@code directory} with its own jar built (the baseline). */
    static ConnectorProcess startIn(Path directory, List<String> jvmOptions, Map<String, String> settings, Path log) {
        Path jar = directory.resolve(JAR).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (mvn -B -Pbench verify does, or mvn -B package -DskipTests there)");
        }
        List<String> options = new ArrayList<>();
        Map<String, String> environment = new LinkedHashMap<>();
        for (String option : jvmOptions) {
            if (option.matches("[A-Z_][A-Z0-9_]*=.*")) {
                environment.put(option.substring(0, option.indexOf('=')), option.substring(option.indexOf('=') + 1));
            } else {
                options.add(option);
            }
        }
        List<String> arguments = new ArrayList<>();
        settings.forEach((key, value) -> arguments.add("--" + key + "=" + value));
        return new ConnectorProcess(SeparateConnector.startJarIn(directory, jar, options, environment, arguments, log, STARTUP));
    }

    String baseUrl() {
        return "http://127.0.0.1:" + connector.port();
    }

    long pid() {
        return connector.process().pid();
    }

    /** User + system CPU time of the whole process so far (every thread, GC and JIT included). */
    Duration cpuTime() {
        return connector.process().info().totalCpuDuration()
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

    /** SIGTERM (Spring's graceful shutdown; a JFR recording is written then), SIGKILL after 30 s. */
    @Override
    public void close() {
        if (connector.isAlive()) {
            HostLoad.connectorStopped(cpuTime());
        }
        connector.close();
    }
}
