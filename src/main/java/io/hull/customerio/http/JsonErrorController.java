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
 * Spring Boot's error page ({@code server.error.path}) in the connector's one error shape, instead of Spring Boot's own
 * JSON or its Whitelabel HTML page: for an exception that leaves the servlet, or {@code /error} asked for itself.
 * (Every {@code sendError} is answered before it gets here, by {@link RequestScreening}.)
 * Each refusal is logged with its reason; nothing the caller sent but the method and path is repeated.
 */
@RestController
public class JsonErrorController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(JsonErrorController.class);

    private final ObjectMapper json;
    private final RefusedRequests refusals;

    public JsonErrorController(ObjectMapper json, RefusedRequests refusals) {
        this.json = json;
        this.refusals = refusals;
    }

    @RequestMapping("${server.error.path:${error.path:/error}}")
    public ResponseEntity<byte[]> error(HttpServletRequest request) throws JsonProcessingException {
        Object statusAttribute = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // asked for /error itself: there is no such endpoint
        int status = statusAttribute instanceof Integer code ? code : 404;
        SafeError error = ErrorResponses.forStatus(status);
        Object path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String target = RequestScreening.abbreviate(path == null ? request.getRequestURI() : path.toString());
        if (status >= 500) {
            // the failure itself was logged where it happened (platform-http logs what it could not handle)
            log.error("request failed: {} {}: {} {}", status, error.code(), request.getMethod(), target);
        } else {
            refusals.refused(request.getMethod(), path == null ? request.getRequestURI() : path.toString(), status,
                    error.code(), error.reason());
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .body(json.writeValueAsBytes(ErrorResponses.errors(error)));
    }
}
