package io.hull.customerio.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.hull.customerio.support.SeparateConnector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the routes come from: the classpath (the jar) by default, whatever the working directory; an edited copy
 * from disk with camel.main.routes-include-pattern; and no route at all is a start that fails, not an idle UP.
 */
class RoutesLoadingTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theRoutesComeFromTheClasspathInAnyWorkingDirectory(@TempDir Path elsewhere) throws Exception {
        try (SeparateConnector connector = SeparateConnector.named("routes-from-classpath")
                .set("customerio.webhook.token", "routes-test-token").startIn(elsewhere)) {
            // a webhook without its token is refused by route customerio-webhooks: the route is there
            HttpResponse<String> refused = post(connector, "/webhook", "{}");
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.body()).contains("\"code\":\"invalid_token\"");
            assertThat(get(connector, "/status").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anEditedCopyOnDiskReplacesThePackagedRoutes(@TempDir Path routes) throws Exception {
        for (Path route : Files.list(Path.of("routes")).toList()) {
            String yaml = Files.readString(route);
            if (route.getFileName().toString().equals("status.yaml")) {
                // the integration engineer's change: a step between the check and the answer
                yaml = yaml.replace("""
                                - to:
                                    id: answer-status
                        """, """
                                - setProperty:
                                    id: edited-step
                                    name: edited
                                    constant: "yes"
                                - setHeader:
                                    name: CamelHttpResponseCode
                                    constant: 299
                                - to:
                                    id: answer-status
                        """);
                assertThat(yaml).contains("edited-step");
            }
            Files.writeString(routes.resolve(route.getFileName()), yaml);
        }
        try (SeparateConnector connector = SeparateConnector.named("routes-from-disk")
                .set("camel.main.routes-include-pattern", "file:" + routes.toAbsolutePath() + "/*.yaml").start()) {
            assertThat(get(connector, "/status").statusCode()).isEqualTo(299);
        }
    }

    /** An edited customize.yaml of a release before accounts: a clear failed start, not every account failing later. */
    @Test
    void aMissingCustomizeRouteIsAFailedStart(@TempDir Path routes) throws Exception {
        for (Path route : Files.list(Path.of("routes")).toList()) {
            String yaml = Files.readString(route);
            if (route.getFileName().toString().equals("customize.yaml")) {
                yaml = yaml.substring(0, yaml.indexOf("- route:\n    id: customize-account"));
            }
            Files.writeString(routes.resolve(route.getFileName()), yaml);
        }

        SeparateConnector.Exit exit = SeparateConnector.named("no-customize-account")
                .set("camel.main.routes-include-pattern", "file:" + routes.toAbsolutePath() + "/*.yaml").exit(Duration.ofSeconds(90));

        assertThat(exit.code()).isNotZero();
        assertThat(String.join("\n", exit.lines())).contains("route customize-account is missing from the routes loaded");
    }

    @Test
    void noRouteLoadedIsAFailedStart(@TempDir Path empty) {
        SeparateConnector.Exit exit = SeparateConnector.named("no-routes")
                .set("camel.main.routes-include-pattern", "file:" + empty.toAbsolutePath() + "/*.yaml").exit(Duration.ofSeconds(90));

        assertThat(exit.code()).isNotZero();
        assertThat(String.join("\n", exit.lines())).contains("no Camel route was loaded from camel.main.routes-include-pattern=file:");
    }

    private HttpResponse<String> get(SeparateConnector connector, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(connector.baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(SeparateConnector connector, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(connector.baseUrl() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
