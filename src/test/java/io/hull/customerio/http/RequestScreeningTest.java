package io.hull.customerio.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.support.JsonErrors;
import jakarta.servlet.FilterChain;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** What is refused before any route or servlet parses a request (the same over real HTTP: SmartNotifierRequestTest). */
class RequestScreeningTest {

    private static final long RETRY_IN_MILLIS = 4_321;

    /** As the application registers it (RequestBodyLimits), with a flow control of its own to recognise. */
    private final RequestScreening screening = screening();

    private static RequestScreening screening() {
        ConnectorProperties connector = new ConnectorProperties();
        connector.getFlowControl().setRetryInMillis(RETRY_IN_MILLIS);
        return new RequestBodyLimits().requestScreening(connector, new ObjectMapper(),
                new RefusedRequests(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())).getFilter();
    }

    private final AtomicBoolean passedOn = new AtomicBoolean();
    private final FilterChain route = (request, response) -> passedOn.set(true);

    @Test
    void aCompressedBodyIsRefusedWith415AndNotPassedOn() throws Exception {
        MockHttpServletRequest request = post("/webhook", "application/json");
        request.addHeader("Content-Encoding", "gzip");

        MockHttpServletResponse response = screen(request);

        assertThat(response.getStatus()).isEqualTo(415);
        assertThat(response.getContentAsString()).contains("\"code\":\"unsupported_content_encoding\"");
        assertThat(passedOn).isFalse();
    }

    @Test
    void identityEncodingIsNoEncoding() throws Exception {
        MockHttpServletRequest request = post("/webhook", "application/json");
        request.addHeader("Content-Encoding", "identity");

        screen(request);

        assertThat(passedOn).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain",
            "application/xml", "application/jsonx", "application/x-www-form-urlencoded+json", "application/vnd.hull+json",
            "application/json; x=application/x-www-form-urlencoded", "application/json, application/x-www-form-urlencoded"})
    void aBodyOfAnotherTypeThanJsonIsRefusedWith415AndItsBodyReadIntoNothing(String contentType) throws Exception {
        MockHttpServletRequest request = post("/webhook", contentType);

        MockHttpServletResponse response = screen(request);

        assertThat(response.getStatus()).isEqualTo(415);
        assertThat(response.getContentType()).isEqualTo("application/json");
        assertThat(response.getContentAsString()).contains("\"code\":\"unsupported_media_type\"");
        assertThat(passedOn).isFalse();
        assertThat(request.getInputStream().read()).as("discarded, so the sender gets its answer").isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "Application/JSON", "application/json;charset=\"UTF-8\""})
    void jsonTypesPass(String contentType) throws Exception {
        screen(post("/webhook", contentType));

        assertThat(passedOn).isTrue();
    }

    @Test
    void noContentTypeIsTakenAsJson() throws Exception {
        screen(post("/webhook", null));

        assertThat(passedOn).isTrue();
    }

    @Test
    void pathsThatTakeNoBodyAreNotCheckedForTheirType() throws Exception {
        screen(post("/status", "text/plain"));

        assertThat(passedOn).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/smart-notifier;x=1", "/smart%2Dnotifier", "//webhook", "/./webhook", "/a/../webhook", "/webhook/."})
    void aPathThatIsNotPlainIsRefusedWith400(String path) throws Exception {
        MockHttpServletResponse response = screen(post(path, "application/json"));

        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(response.getContentAsString()).contains("\"code\":\"invalid_path\"");
        assertThat(passedOn).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"token=%zz", "token=%", "token=abc%4", "token=%ff%fe", "a=1&token=%C3"})
    void aQueryWithAMalformedPercentEscapeIsRefusedWith400(String query) throws Exception {
        MockHttpServletRequest request = post("/webhook", "application/json");
        request.setQueryString(query);

        MockHttpServletResponse response = screen(request);

        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(response.getContentAsString()).contains("\"code\":\"invalid_query\"").doesNotContain(query);
        assertThat(passedOn).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"token=abc", "token=a%2Bb%2F%3D", "token=%C3%A9t%C3%A9", "x", ""})
    void aWellFormedQueryPasses(String query) throws Exception {
        MockHttpServletRequest request = post("/webhook", "application/json");
        request.setQueryString(query);

        screen(request);

        assertThat(passedOn).isTrue();
    }

    @Test
    void sendErrorIsAnsweredWithTheJsonErrorShape() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();

        screening.doFilter(post("/nowhere", null), response, (req, res) -> ((jakarta.servlet.http.HttpServletResponse) res).sendError(404));

        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(response.getContentType()).isEqualTo("application/json");
        JsonErrors.assertError(response.getContentAsString(), "not_found");
    }

    @Test
    void theNotifiers503CarriesItsFlowControl() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();

        screening.doFilter(post("/smart-notifier", null), response, (req, res) -> ((jakarta.servlet.http.HttpServletResponse) res).sendError(503));

        assertThat(response.getStatus()).isEqualTo(503);
        JsonNode answer = new ObjectMapper().readTree(response.getContentAsString());
        assertThat(answer.path("flow_control").path("type").asText()).isEqualTo("retry");
        assertThat(answer.path("flow_control").path("in").asLong()).isEqualTo(RETRY_IN_MILLIS);
        JsonErrors.assertError(response.getContentAsString(), "unavailable");
    }

    @Test
    void anotherPaths503HasNoFlowControl() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();

        screening.doFilter(post("/webhook", null), response, (req, res) -> ((jakarta.servlet.http.HttpServletResponse) res).sendError(503));

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(new ObjectMapper().readTree(response.getContentAsString()).has("flow_control")).isFalse();
        JsonErrors.assertError(response.getContentAsString(), "unavailable");
    }

    private MockHttpServletResponse screen(MockHttpServletRequest request) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        screening.doFilter(request, response, route);
        return response;
    }

    private static MockHttpServletRequest post(String path, String contentType) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", path);
        if (contentType != null) {
            request.setContentType(contentType);
        }
        request.setContent("{\"configuration\":{\"secret\":\"s\"}}".getBytes());
        return request;
    }
}
