package io.hull.customerio.sandbox;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.hull.customerio.Application;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.SimpleCommandLinePropertySource;

/**
 * The connector with local stand-ins for Customer.io and Hull, for a first run that needs nothing
 * external: {@code mvn -Psandbox spring-boot:test-run}. The stand-ins are WireMock servers that
 * answer every call with success and record it; their admin API shows what the connector sent:
 * {@code curl localhost:8181/__admin/requests} (Customer.io), {@code curl localhost:8182/__admin/requests} (Hull).
 * Smart-notifier signatures are not checked here (sandbox only); webhooks use {@code ?token=sandbox-token}.
 * The stand-ins' ports are {@code --sandbox.customerio-port} and {@code --sandbox.hull-port} (8181, 8182), the
 * connector's {@code --server.port} (8080): {@code mvn -Psandbox spring-boot:test-run
 * -Dspring-boot.run.arguments="--server.port=9080 --sandbox.customerio-port=9181 --sandbox.hull-port=9182"}.
 */
public final class SandboxApplication {

    public static final int CUSTOMERIO_PORT = 8181;
    public static final int HULL_PORT = 8182;

    public record Sandbox(WireMockServer customerIo, WireMockServer hull, ConfigurableApplicationContext connector)
            implements AutoCloseable {
        @Override
        public void close() {
            connector.close();
            customerIo.stop();
            hull.stop();
        }
    }

    private SandboxApplication() {
    }

    public static void main(String[] args) {
        try {
            start(port(args, "sandbox.customerio-port", CUSTOMERIO_PORT), port(args, "sandbox.hull-port", HULL_PORT), args);
        } catch (IllegalArgumentException wrongPort) {
            System.err.println("sandbox: " + wrongPort.getMessage());
            System.exit(2);
        }
    }

    /** {@code --name=port} among the arguments, else the system property {@code name}, else the default. */
    static int port(String[] args, String name, int otherwise) {
        // Spring Boot's own reader of --name=value, so the sandbox reads its arguments as the connector does
        String value = new SimpleCommandLinePropertySource(args).getProperty(name);
        if (value == null) {
            value = System.getProperty(name);
        }
        if (value == null) {
            return otherwise;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException notANumber) {
            // said below
        }
        throw new IllegalArgumentException(name + "=" + value + " is not a port: give a number from 1 to 65535 (0: any free port)");
    }

    /** Port 0 picks a free port (tests). */
    public static Sandbox start(int customerIoPort, int hullPort, String... extraArgs) {
        WireMockServer customerIo = standIn(customerIoPort);
        WireMockServer hull = standIn(hullPort);
        List<String> args = new ArrayList<>(List.of(
                "--customerio.track-url=" + customerIo.baseUrl(),
                "--customerio.site-id=sandbox-site",
                "--customerio.api-key=sandbox-api-key",
                "--customerio.webhook.token=sandbox-token",
                "--hull.firehose-url=" + hull.baseUrl(),
                "--hull.api-url=" + hull.baseUrl(),
                "--hull.organization=sandbox.hullapp.io",
                "--hull.connector-id=sandbox-connector",
                "--hull.secret=sandbox-hull-secret",
                "--hull.notifier.verify-signature=false"));
        args.addAll(List.of(extraArgs));
        ConfigurableApplicationContext connector = SpringApplication.run(Application.class, args.toArray(String[]::new));
        System.out.printf("%nSandbox ready: connector on %s, Customer.io stand-in on %s, Hull stand-in on %s%n"
                        + "What was sent: curl %s/__admin/requests   and   curl %s/__admin/requests%n%n",
                connector.getEnvironment().getProperty("local.server.port"), customerIo.baseUrl(), hull.baseUrl(),
                customerIo.baseUrl(), hull.baseUrl());
        return new Sandbox(customerIo, hull, connector);
    }

    private static WireMockServer standIn(int port) {
        WireMockServer server = new WireMockServer(options().port(port));
        server.start();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{}")));
        return server;
    }
}
