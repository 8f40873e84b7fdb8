package io.hull.customerio.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hull.customerio.errors.SafeError;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Every error answer that no route wrote (an unknown path, a wrong method, a failure inside platform-http
 * before the route ran) in the connector's one error shape, instead of Spring Boot's own JSON or its
 * Whitelabel HTML page. Spring Boot forwards every {@code sendError} here ({@code server.error.path}).
 * Each refusal is logged with its reason; nothing the caller sent but the method and path is repeated.
 */
@RestController
public class JsonErrorController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(JsonErrorController.class);
    private static final int MAX_PATH_LOGGED = 200;

    private final ObjectMapper json;

    public JsonErrorController(ObjectMapper json) {
        this.json = json;
    }

    @RequestMapping("${server.error.path:${error.path:/error}}")
    public ResponseEntity<byte[]> error(HttpServletRequest request) throws JsonProcessingException {
        Object statusAttribute = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // asked for /error itself: there is no such endpoint
        int status = statusAttribute instanceof Integer code ? code : 404;
        SafeError error = ErrorResponses.forStatus(status);
        Object path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String target = abbreviate(path == null ? request.getRequestURI() : path.toString());
        if (status >= 500) {
            // the failure itself was logged where it happened (platform-http logs what it could not handle)
            log.error("request failed: {} {}: {} {}", status, error.code(), request.getMethod(), target);
        } else {
            log.warn("request refused: {} {}: {} {}", status, error.code(), request.getMethod(), target);
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .body(json.writeValueAsBytes(ErrorResponses.errors(error)));
    }

    static String abbreviate(String path) {
        return path.length() <= MAX_PATH_LOGGED ? path : path.substring(0, MAX_PATH_LOGGED) + "…";
    }
}
