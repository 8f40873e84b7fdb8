package io.hull.customerio.http;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.FilterChain;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** What the routes behind the filter can read of a body: all of it within the limit, one byte over it at most. */
class RequestBodyCapTest {

    private static final int LIMIT = 1000;
    private static final int MAX_DISCARDED = 100 * LIMIT;
    private final BodyMemoryBudget budget = new BodyMemoryBudget("test budget", 3 * LIMIT);
    private final RequestBodyCap cap = new RequestBodyCap(Map.of(
            "/webhook", new RequestBodyCap.Policy(LIMIT, request -> true, budget, "{\"busy\":true}".getBytes()),
            "/signed", new RequestBodyCap.Policy(LIMIT, request -> "good".equals(request.getHeader("X-Signature")), budget,
                    "{}".getBytes())),
            MAX_DISCARDED, new RefusedRequests(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
    private final AtomicReference<byte[]> readByRoute = new AtomicReference<>();
    private final FilterChain route = (request, response) -> readByRoute.set(request.getInputStream().readAllBytes());

    @Test
    void aBodyWithinTheLimitIsReadWhole() throws Exception {
        byte[] body = body(LIMIT);

        cap.doFilter(request(body, true), new MockHttpServletResponse(), route);

        assertThat(readByRoute.get()).isEqualTo(body);
    }

    @Test
    void aChunkedBodyOverTheLimitIsReadOnlyToOneByteOverAndTheRestDiscarded() throws Exception {
        byte[] body = body(50 * LIMIT);
        MockHttpServletRequest request = request(body, false);

        cap.doFilter(request, new MockHttpServletResponse(), route);

        assertThat(readByRoute.get()).isEqualTo(Arrays.copyOf(body, LIMIT + 1));
        assertThat(request.getInputStream().read()).as("left unread on the connection").isEqualTo(-1);
    }

    @Test
    void aBodyDeclaredOverTheLimitIsNotReadAtAllButDiscarded() throws Exception {
        MockHttpServletRequest request = request(body(2 * LIMIT), true);

        cap.doFilter(request, new MockHttpServletResponse(), route);

        assertThat(readByRoute.get()).isEmpty();
        assertThat(request.getInputStream().read()).as("left unread on the connection").isEqualTo(-1);
    }

    @Test
    void aBodyDeclaredLargerThanCanBeDiscardedIsNotReadAtAll() throws Exception {
        MockHttpServletRequest request = request(body(MAX_DISCARDED + 1), true);

        cap.doFilter(request, new MockHttpServletResponse(), route);

        assertThat(readByRoute.get()).isEmpty();
        assertThat(request.getInputStream().readAllBytes()).as("left unread on the connection").hasSize(MAX_DISCARDED + 1);
    }

    @Test
    void aPathWithoutALimitOfItsOwnTakesNoBody() throws Exception {
        MockHttpServletRequest request = request(body(LIMIT), false);
        request.setRequestURI("/status");

        cap.doFilter(request, new MockHttpServletResponse(), route);

        assertThat(readByRoute.get()).as("one byte: enough to see that it is over 0").hasSize(1);
    }

    @Test
    void aBodyWhoseHeadersItsRouteRefusesIsNotReadAtAllButDiscarded() throws Exception {
        MockHttpServletRequest request = request(body(LIMIT), true);
        request.setRequestURI("/signed");
        request.addHeader("X-Signature", "bad");

        cap.doFilter(request, new MockHttpServletResponse(), route);

        assertThat(readByRoute.get()).as("nothing of an unauthenticated body is held").isEmpty();
        assertThat(request.getInputStream().read()).as("left unread on the connection").isEqualTo(-1);
    }

    @Test
    void aBodyWhoseHeadersPassIsReadWhole() throws Exception {
        byte[] body = body(LIMIT);
        MockHttpServletRequest request = request(body, false);
        request.setRequestURI("/signed");
        request.addHeader("X-Signature", "good");

        cap.doFilter(request, new MockHttpServletResponse(), route);

        assertThat(readByRoute.get()).isEqualTo(body);
    }

    @Test
    void aBodyThatDoesNotFitInTheBudgetNowIs503WithoutBeingReadAndTheBudgetIsGivenBackAfterEachRequest() throws Exception {
        BodyMemoryBudget.Reservation held = budget.tryReserve(2 * LIMIT + 1);
        MockHttpServletRequest request = request(body(LIMIT), true);
        MockHttpServletResponse response = new MockHttpServletResponse();

        cap.doFilter(request, response, route);

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getContentAsString()).isEqualTo("{\"busy\":true}");
        assertThat(readByRoute.get()).as("the route never ran").isNull();
        assertThat(request.getInputStream().read()).as("discarded, so the sender gets its answer").isEqualTo(-1);

        held.release();
        cap.doFilter(request(body(LIMIT), true), new MockHttpServletResponse(), route);
        assertThat(readByRoute.get()).hasSize(LIMIT);
        assertThat(budget.held()).as("given back once answered").isZero();
    }

    @Test
    void oneBodyIsAlwaysTakenWhenNothingElseIsHeldAndAReservationIsGivenBackOnce() {
        BodyMemoryBudget small = new BodyMemoryBudget("small", 10);
        BodyMemoryBudget.Reservation first = small.tryReserve(1_000);
        assertThat(first).as("larger than the budget, but alone").isNotNull();
        assertThat(small.tryReserve(1)).as("nothing more while it is held").isNull();

        first.release();
        first.release();

        assertThat(small.held()).isZero();
        assertThat(small.tryReserve(10)).isNotNull();
    }

    @Test
    void noMoreThanTheDiscardLimitIsThrownAway() throws Exception {
        MockHttpServletRequest request = request(body(LIMIT + 1 + MAX_DISCARDED + 500), false);

        cap.doFilter(request, new MockHttpServletResponse(), route);

        assertThat(readByRoute.get()).hasSize(LIMIT + 1);
        assertThat(request.getInputStream().readAllBytes()).as("left unread on the connection").hasSize(500);
    }

    @Test
    void theReaderIsCappedToo() throws Exception {
        MockHttpServletRequest request = request("é".repeat(LIMIT).getBytes(StandardCharsets.UTF_8), false);
        request.setCharacterEncoding("UTF-8");
        AtomicReference<String> text = new AtomicReference<>();

        cap.doFilter(request, new MockHttpServletResponse(), (req, res) -> {
            try (BufferedReader reader = req.getReader()) {
                text.set(reader.lines().reduce("", String::concat));
            }
        });

        // 1001 bytes: 500 two-byte characters, then half of one
        assertThat(text.get()).startsWith("é".repeat(500)).hasSize(501);
    }

    private static byte[] body(int size) {
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        return body;
    }

    /** A POST with the body; with or without its Content-Length (chunked). */
    private static MockHttpServletRequest request(byte[] body, boolean declared) {
        MockHttpServletRequest request = declared ? new MockHttpServletRequest() : new MockHttpServletRequest() {
            @Override
            public long getContentLengthLong() {
                return -1;
            }

            @Override
            public int getContentLength() {
                return -1;
            }
        };
        request.setMethod("POST");
        request.setRequestURI("/webhook");
        request.setContent(body);
        return request;
    }
}
