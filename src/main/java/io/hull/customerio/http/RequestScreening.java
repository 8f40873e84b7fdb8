package io.hull.customerio.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hull.customerio.errors.SafeError;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The first thing every request meets: what no endpoint can take is refused here, before anything parses it,
 * with the connector's JSON error and a log line of the reason (never of what was received).
 * <ul>
 *   <li><b>path</b>: plain ASCII segments only. Path parameters ({@code ;x=1}), percent-escapes and dot segments
 *       are 400 {@code invalid_path}: the servlet container and Spring would each read them their own way;</li>
 *   <li><b>query</b>: every {@code %} must start a valid escape of UTF-8 bytes, else 400 {@code invalid_query}.
 *       Tomcat would otherwise log the parameter, value included, and Camel fail on it later;</li>
 *   <li><b>compressed body</b> ({@code Content-Encoding} other than {@code identity}): 415. Camel would inflate it
 *       whole into memory before any limit applies, and neither Hull nor Customer.io compress what they send;</li>
 *   <li><b>body of another type than JSON</b> on the paths that take a body: 415. A form body
 *       ({@code application/x-www-form-urlencoded}, curl's {@code -d}) would be parsed into parameters by
 *       platform-http before the route runs, whole and unauthenticated, and logged when it is not a form.
 *       No {@code Content-Type} at all is taken as JSON.</li>
 * </ul>
 * A refused request's body is read into nothing (up to {@code maxDiscardedBytes}, 8 KB at a time) so that a
 * client that reads the answer only after sending everything still gets it; a body declared larger is not
 * read, and the connection is closed.
 * <p>
 * It also answers every {@code sendError} (Spring's 404 and 405, platform-http's own failures, a 503 while the
 * connector stops) with the connector's JSON error, the notifier's 503 with its flow control: platform-http calls
 * {@code sendError} on its own thread, after which no error page is rendered (an empty 500 was all a client saw).
 */
public class RequestScreening extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(RequestScreening.class);
    /** Segments of unreserved and sub-delimiter characters but {@code ;}; no empty, {@code .} or {@code ..} segment. */
    private static final Pattern PLAIN_PATH = Pattern.compile("(/(?!\\.{1,2}(/|$))[A-Za-z0-9._~!$&'()*+,=:@-]+)*/?");
    private static final int MAX_PATH_LOGGED = 200;
    private static final Pattern JSON_TYPE = Pattern.compile(
            "(?i)\\s*application/json\\s*(;\\s*charset\\s*=\\s*(\"[A-Za-z0-9._-]+\"|[A-Za-z0-9._-]+)\\s*)?");

    private final RefusedRequests refusals;
    private final Set<String> bodyPaths;
    private final long maxDiscardedBytes;
    private final ObjectMapper json;
    private final Map<String, Function<SafeError, Object>> unavailableAnswers;

    /**
     * @param bodyPaths          the paths that take a (JSON) body
     * @param maxDiscardedBytes  how much of a refused request's body is read into nothing so its sender gets the answer
     * @param unavailableAnswers the body of a 503 on a path whose sender needs more than the error (the notifier's
     *                           flow control); every other path and status: the error alone
     */
    public RequestScreening(Set<String> bodyPaths, long maxDiscardedBytes, ObjectMapper json,
                            Map<String, Function<SafeError, Object>> unavailableAnswers, RefusedRequests refusals) {
        this.refusals = refusals;
        this.bodyPaths = Set.copyOf(bodyPaths);
        this.maxDiscardedBytes = maxDiscardedBytes;
        this.json = json;
        this.unavailableAnswers = Map.copyOf(unavailableAnswers);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        SafeError refusal = refusal(request);
        if (refusal != null) {
            refusals.refused(request.getMethod(), request.getRequestURI(), status(refusal), refusal.code(), refusal.reason());
            discardBody(request, response);
            write(response, status(refusal), refusal);
            return;
        }
        chain.doFilter(request, new JsonErrors(response, request));
    }

    private SafeError refusal(HttpServletRequest request) {
        if (!PLAIN_PATH.matcher(request.getRequestURI()).matches()) {
            return new SafeError("invalid_path",
                    "the path must be plain: no ';' parameters, percent-escapes, empty or dot segments");
        }
        if (!validQuery(request.getQueryString())) {
            return new SafeError("invalid_query",
                    "the query string has a '%' that does not start a percent-escape of UTF-8 bytes (write '%25' for '%')");
        }
        String encoding = request.getHeader("Content-Encoding");
        if (encoding != null && !encoding.isBlank() && !"identity".equalsIgnoreCase(encoding.trim())) {
            return new SafeError("unsupported_content_encoding",
                    "compressed bodies are not accepted: send the body without Content-Encoding");
        }
        if (bodyPaths.contains(Doors.of(request.getRequestURI())) && !isJson(request.getContentType())) {
            return new SafeError("unsupported_media_type",
                    "the body must be JSON: send it with Content-Type: application/json (a charset at most)");
        }
        return null;
    }

    private static int status(SafeError refusal) {
        return refusal.code().startsWith("unsupported_") ? 415 : 400;
    }

    /**
     * {@code application/json}, with a {@code charset} at most, or no type at all: exactly, because Camel's HTTP
     * binding parses a body as a form when the type merely starts with, or even contains, the form's type
     * ({@code application/x-www-form-urlencoded+json}, {@code application/json; x=application/x-www-form-urlencoded}).
     */
    static boolean isJson(String contentType) {
        return contentType == null || contentType.isBlank() || JSON_TYPE.matcher(contentType).matches();
    }

    /** Every {@code %} starts two hex digits, and the bytes they spell are UTF-8 (as Tomcat decodes them). */
    static boolean validQuery(String query) {
        if (query == null || query.indexOf('%') < 0) {
            return true;
        }
        ByteBuffer bytes = ByteBuffer.allocate(query.length());
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c == '%') {
                if (i + 2 >= query.length()) {
                    return false;
                }
                int high = Character.digit(query.charAt(i + 1), 16);
                int low = Character.digit(query.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    return false;
                }
                bytes.put((byte) (high << 4 | low));
                i += 2;
            } else if (c < 0x80) {
                bytes.put((byte) c);
            } else {
                return false; // Tomcat refuses a raw non-ASCII query before this runs; never seen here
            }
        }
        bytes.flip();
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes);
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Reads a refused body into nothing, so the sender sees the answer; a body declared too large closes the connection. */
    private void discardBody(HttpServletRequest request, HttpServletResponse response) {
        long declared = request.getContentLengthLong();
        if (declared > maxDiscardedBytes) {
            response.setHeader("Connection", "close");
            return;
        }
        long total;
        try {
            total = BoundedBodyReader.discard(request.getInputStream(), maxDiscardedBytes);
        } catch (IOException | IllegalStateException senderGone) {
            total = maxDiscardedBytes;
        }
        if (total >= maxDiscardedBytes) {
            response.setHeader("Connection", "close");
        }
    }

    private void write(HttpServletResponse response, int status, Object answer) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        byte[] body = json.writeValueAsBytes(answer instanceof SafeError error ? ErrorResponses.errors(error) : answer);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }

    /** A path as logged: a caller's path can be of any length (up to the header limit). */
    static String abbreviate(String uri) {
        String path = Doors.loggable(uri);
        return path.length() <= MAX_PATH_LOGGED ? path : path.substring(0, MAX_PATH_LOGGED) + "…";
    }

    /** {@code sendError} answered with the connector's JSON error, whoever calls it. */
    private final class JsonErrors extends HttpServletResponseWrapper {

        private final HttpServletRequest request;

        JsonErrors(HttpServletResponse response, HttpServletRequest request) {
            super(response);
            this.request = request;
        }

        @Override
        public void sendError(int status, String message) throws IOException {
            sendError(status);
        }

        @Override
        public void sendError(int status) throws IOException {
            if (isCommitted()) {
                super.sendError(status);
                return;
            }
            SafeError error = ErrorResponses.forStatus(status);
            String target = abbreviate(request.getRequestURI());
            if (status >= 500) {
                // the failure itself is logged where it happened (platform-http logs what it could not handle)
                LOG.error("request failed: {} {}: {} {}", status, error.code(), request.getMethod(), target);
            } else {
                refusals.refused(request.getMethod(), request.getRequestURI(), status, error.code(), error.reason());
            }
            resetBuffer();
            Function<SafeError, Object> answer = status == 503 ? unavailableAnswers.get(Doors.of(request.getRequestURI())) : null;
            write((HttpServletResponse) getResponse(), status, answer == null ? error : answer.apply(error));
        }
    }
}
