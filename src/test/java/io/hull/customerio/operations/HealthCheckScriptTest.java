package io.hull.customerio.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.hull.customerio.support.ConnectorTestSupport;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Docker image's HEALTHCHECK script (src/main/docker/healthcheck.sh), run by bash against the running connector. */
class HealthCheckScriptTest extends ConnectorTestSupport {

    @Test
    void healthyOnTheConfiguredPort() throws Exception {
        assertThat(run(Map.of("SERVER_PORT", String.valueOf(port)))).isZero();
        // the management port wins when it is set: /actuator is served there
        assertThat(run(Map.of("SERVER_PORT", String.valueOf(closedPort()), "MANAGEMENT_SERVER_PORT", String.valueOf(port)))).isZero();
        assertThat(run(Map.of("SERVER_PORT", String.valueOf(port), "MANAGEMENT_SERVER_PORT", String.valueOf(closedPort())))).isNotZero();
    }

    @Test
    void unhealthyWhenNothingAnswersThere() throws Exception {
        assertThat(run(Map.of("SERVER_PORT", String.valueOf(closedPort())))).isNotZero();
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int run(Map<String, String> variables) throws Exception {
        ProcessBuilder script = new ProcessBuilder("bash", "src/main/docker/healthcheck.sh").redirectErrorStream(true);
        script.environment().remove("SERVER_PORT");
        script.environment().remove("MANAGEMENT_SERVER_PORT");
        script.environment().putAll(variables);
        Process process = script.start();
        process.getInputStream().readAllBytes();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }
}
