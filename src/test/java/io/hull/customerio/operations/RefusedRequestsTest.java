package io.hull.customerio.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.hull.customerio.support.JsonErrors;
import io.hull.customerio.support.ConnectorTestSupport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Every refused request, on every door, whoever refuses it (a route, a filter, Spring's error page, the web
 * server), leaves one line incoming.request.refused with its reason and one count in connector_requests_refused_total.
 */
@ExtendWith(OutputCaptureExtension.class)
class RefusedRequestsTest extends ConnectorTestSupport {

    private static final String SECRET = "s3cret-in-the-query";

    @ParameterizedTest(name = "{0} {1} ({5}) → {3} {4}")
    @CsvSource(delimiter = '|', value = {
            // method | path                                   | content type     | status | code                   | door           | who refuses
            "POST     | /smart-notifier                        | application/json | 401    | invalid_signature      | smart-notifier | route (no signature)",
            "POST     | /smart-notifier                        | text/plain       | 415    | unsupported_media_type | smart-notifier | filter",
            "POST     | /webhook?token=" + SECRET + "          | application/json | 401    | webhook_auth_not_configured | webhook   | route (no webhook secret set)",
            "POST     | /batch?ship=s&secret=" + SECRET + "      | application/json | 401    | invalid_credentials    | batch          | route (the query names no connector)",
            "POST     | /status                                | application/json | 405    | method_not_allowed     | status         | platform-http",
            "GET      | /nowhere                               |                  | 404    | not_found              | other          | Spring",
            "GET      | /smart-notifier;jsessionid=x           |                  | 400    | invalid_path           | other          | filter",
    })
    void oneLineAndOneCountPerRefusal(String method, String path, String contentType, int status, String code, String door,
                                      String who, CapturedOutput output) {
        Pattern line = Pattern.compile("\"message\":\"incoming.request.refused\".*\"door\":\"" + door + "\".*\"status\":" + status
                + ",\"code\":\"" + code + "\",\"reason\":\"[^\"]+\"");
        double before = refusedCount(door, status, code);
        long linesBefore = count(line, output.getAll());

        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, HttpRequest.BodyPublishers.ofString("{\"secret\":\"" + SECRET + "\"}"));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> answer = send(request.build());

        assertThat(answer.statusCode()).as(who).isEqualTo(status);
        assertThat(JsonErrors.code(answer.body())).isEqualTo(code);
        assertThat(count(line, output.getAll())).as("lines incoming.request.refused for %s", who).isEqualTo(linesBefore + 1);
        assertThat(refusedCount(door, status, code)).as("connector_requests_refused_total").isEqualTo(before + 1);
        assertThat(output.getAll()).doesNotContain(SECRET);
    }

    @Test
    void theLineNamesTheMethodAndPathButNotTheQuery(CapturedOutput output) {
        send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhook?token=" + SECRET))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());

        assertThat(output.getAll()).containsPattern("incoming.request.refused.*\"door\":\"webhook\"")
                .doesNotContain(SECRET);
        send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/nowhere?secret=" + SECRET)).GET().build());
        assertThat(output.getAll()).containsPattern("incoming.request.refused.*\"method\":\"GET\",\"path\":\"/nowhere\"")
                .doesNotContain(SECRET);
    }

    private static long count(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        long n = 0;
        while (matcher.find()) {
            n++;
        }
        return n;
    }

    private double refusedCount(String door, int status, String code) {
        String metrics = send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus")).GET().build()).body();
        Matcher matcher = Pattern.compile("connector_requests_refused_total\\{code=\"" + code + "\",connector=\"\",door=\"" + door
                + "\"[^}]*status=\"" + status + "\"[^}]*} ([0-9.E]+)").matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }
}
