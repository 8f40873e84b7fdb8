package io.hull.customerio.support;

import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.hull.customerio.Application;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The connector in a process of its own, for what one JVM cannot show of itself: a kill -9, a heap that runs out,
 * every line it logs at another level, its CPU time and memory (the benchmarks). From the test classpath
 * ({@link #named}) or as the shipped jar ({@link #startJar}); its output (stdout and stderr) goes to
 * {@code target/<name>.log}.
 */
public final class SeparateConnector implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(90);

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    private SeparateConnector(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public String name() {
        return name;
    }

    /**
     * A connector process to start: its settings (each a {@code --key=value} argument), the stand-ins it talks to,
     * its JVM options ({@code -Xmx256m} unless told).
     */
    public static Launch named(String name) {
        return new Launch(name);
    }

    /** The one place a separate connector's arguments are written. */
    public static final class Launch {
        private final String name;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private List<String> jvmOptions = List.of("-Xmx256m");

        private Launch(String name) {
            this.name = name;
        }

        /** Customer.io is this stand-in; no configured credentials (notifications carry their own). */
        public Launch customerIo(WireMockServer customerIo) {
            return set("customerio.track-url", customerIo.baseUrl()).set("customerio.site-id", "").set("customerio.api-key", "");
        }

        /** Hull's firehose and API are this stand-in. */
        public Launch hull(WireMockServer hull) {
            return set("hull.firehose-url", hull.baseUrl()).set("hull.api-url", hull.baseUrl());
        }

        /** The connector's own Hull credentials (webhooks, backfills, the status report). */
        public Launch hullCredentials(String organization, String connectorId, String secret) {
            return set("hull.organization", organization).set("hull.connector-id", connectorId).set("hull.secret", secret);
        }

        /** Notifications are verified with this key pair's public key. */
        public Launch notifier(HullNotifierKeys notifier) {
            return set("hull.notifier.public-key", notifier.publicKeyLocation());
        }

        /** Kafka mode against {@code brokers}: topics {@code <prefix>-users}, {@code <prefix>-webhooks}, group {@code <prefix>}. */
        public Launch kafka(String brokers, String prefix) {
            return set("connector.transport", "kafka").set("camel.component.kafka.brokers", brokers)
                    .set("connector.kafka.user-topic", userTopic(prefix)).set("connector.kafka.webhook-topic", webhookTopic(prefix))
                    .set("connector.kafka.group-id", prefix);
        }

        /** A setting; a later one of the same key wins. */
        public Launch set(String key, String value) {
            settings.remove(key);
            settings.put(key, value);
            return this;
        }

        /** Instead of {@code -Xmx256m}. */
        public Launch jvm(String... options) {
            jvmOptions = List.of(options);
            return this;
        }

        /** The settings as command-line arguments (also for a second connector in this JVM). */
        public List<String> arguments() {
            return settings.entrySet().stream().map(setting -> "--" + setting.getKey() + "=" + setting.getValue()).toList();
        }

        /** Started from the test classpath, as the tests' own connector runs; ready when this returns. */
        public SeparateConnector start() {
            return startIn(Path.of(System.getProperty("user.dir")));
        }

        /** Started in another working directory (nothing of the repository's beside it). */
        public SeparateConnector startIn(Path directory) {
            return launch(name, jvmOptions, Map.of(), fromTestClasspath(), arguments(), freePort(), logOf(name), STARTUP,
                    directory);
        }

        /** For a connector that must not start: it exits within {@code timeout} (killed and failed if not). */
        public Exit exit(Duration timeout) {
            return exitOf(name, jvmOptions, arguments(), timeout);
        }
    }

    /** The user topic of a connector started with {@link Launch#kafka}. */
    public static String userTopic(String prefix) {
        return prefix + "-users";
    }

    /** The webhook topic of a connector started with {@link Launch#kafka}. */
    public static String webhookTopic(String prefix) {
        return prefix + "-webhooks";
    }

    /** What a connector that must not start does: it exits, with this code, having logged these lines. */
    public record Exit(int code, List<String> lines) {
    }

    private static Exit exitOf(String name, List<String> jvmOptions, List<String> arguments, Duration timeout) {
        Path log = logOf(name);
        try {
            Process process = new ProcessBuilder(command(jvmOptions, fromTestClasspath(), freePort(), arguments))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("connector " + name + " still runs after " + timeout + ", see " + log);
            }
            return new Exit(process.exitValue(), Files.readAllLines(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The one command line of a connector process: java, its options, the program, its port, then the arguments. */
    private static List<String> command(List<String> jvmOptions, List<String> program, int port, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(program);
        command.add("--server.port=" + port);
        command.addAll(arguments);
        return command;
    }

    /**
     * The test classpath without its empty entries: surefire's ends with a ':', which a JVM reads as the working
     * directory, and from the repository root that puts its routes/ on the classpath beside target/classes/routes/.
     */
    private static List<String> fromTestClasspath() {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank()).collect(Collectors.joining(File.pathSeparator));
        return List.of("-cp", classpath, Application.class.getName(), "--camel.main.jmx-enabled=false");
    }

    private static Path logOf(String name) {
        return Path.of("target", name + ".log").toAbsolutePath();
    }

    /** The jar as it ships ({@code java -jar}), with extra environment variables (the benchmarks' connector). */
    public static SeparateConnector startJar(Path jar, List<String> jvmOptions, Map<String, String> environment,
                                             List<String> arguments, Path log, Duration startup) {
        return startJarIn(Path.of(System.getProperty("user.dir")), jar, jvmOptions, environment, arguments, log, startup);
    }

    /**
     * The same, started in {@code directory} (its application.yaml and routes/): the benchmarks' baseline, another
     * checkout's jar run as it would run there.
     */
    public static SeparateConnector startJarIn(Path directory, Path jar, List<String> jvmOptions, Map<String, String> environment,
                                               List<String> arguments, Path log, Duration startup) {
        return launch(jar.getFileName().toString(), jvmOptions, environment, List.of("-jar", jar.toString()), arguments,
                freePort(), log, startup, directory);
    }

    private static SeparateConnector launch(String name, List<String> jvmOptions, Map<String, String> environment,
                                            List<String> program, List<String> arguments, int port, Path log,
                                            Duration startup, Path directory) {
        List<String> command = command(jvmOptions, program, port, arguments);
        try {
            if (log.getParent() != null) {
                Files.createDirectories(log.getParent());
            }
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            SeparateConnector connector = new SeparateConnector(name, builder.start(), port, log);
            connector.awaitReady(name, startup);
            return connector;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the connector " + name, e);
        }
    }

    public ProcessHandle process() {
        return process.toHandle();
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** Every line it wrote so far. */
    public List<String> lines() {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: no shutdown hook, nothing flushed or committed. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM (a graceful stop), SIGKILL after 30 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitReady(String name, Duration startup) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        try {
            await().atMost(startup).pollInterval(Duration.ofMillis(250)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("connector " + name + " exited with " + process.exitValue() + ", see " + log);
                }
                try {
                    return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException notYet) {
                    return false;
                }
            });
        } catch (RuntimeException e) {
            kill();
            throw e;
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
