package io.hull.customerio.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hull.customerio.errors.SafeError;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every door answers 503 {@code starting} with {@code Retry-After} while its route is not running: for the first
 * seconds of a start (the web server is up before the routes), while the connector stops (new requests; those in flight
 * finish), and while an operator has the route stopped. Without it such a request got 404 "no such endpoint", which
 * Customer.io takes for a wrong URL (it waits an hour) and Hull may not send again. {@code /actuator} is never held:
 * its readiness probe says the same thing to the platform.
 */
public class StartingGate extends OncePerRequestFilter {

    /** Seconds a sender is asked to wait. */
    static final int RETRY_AFTER_SECONDS = 5;
    static final SafeError STARTING = new SafeError("starting",
            "the connector is starting or stopping, or this endpoint's route is stopped; send it again shortly");

    /** Each door and the route that serves it. */
    static final Map<String, String> ROUTES = Map.of(
            "/smart-notifier", "hull-notifications",
            "/webhook", "customerio-webhooks",
            Doors.CONNECTOR_WEBHOOKS, "connector-webhooks",
            "/batch", "hull-batch",
            "/batch/*", "hull-batch-status",
            "/status", "connector-status",
            "/credentials", "connector-credentials");

    private final ObjectProvider<CamelContext> camel;
    private final ObjectMapper json;
    private final Map<String, Function<SafeError, Object>> answers;

    /** {@code answers}: a door's 503 body when it is not the plain error shape (the notifier's adds its flow control). */
    public StartingGate(ObjectProvider<CamelContext> camel, ObjectMapper json, Map<String, Function<SafeError, Object>> answers) {
        this.camel = camel;
        this.json = json;
        this.answers = answers;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String door = door(request.getRequestURI());
        if (door != null && !running(ROUTES.get(door))) {
            response.setStatus(503);
            response.setHeader("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
            response.setContentType("application/json");
            Function<SafeError, Object> answer = answers.get(door);
            json.writeValue(response.getOutputStream(), answer != null ? answer.apply(STARTING) : ErrorResponses.errors(STARTING));
            return;
        }
        chain.doFilter(request, response);
    }

    /** The door of a path that has one ({@code /batch/{job}} is the batch's), else null. */
    static String door(String path) {
        String door = Doors.of(path);
        if (door != null && door.startsWith("/batch/")) {
            return "/batch/*";
        }
        return ROUTES.containsKey(door) ? door : null;
    }

    private boolean running(String routeId) {
        CamelContext context = camel.getIfAvailable();
        if (context == null || !context.getStatus().isStarted()) {
            return false;
        }
        ServiceStatus status = context.getRouteController().getRouteStatus(routeId);
        // a route another mode leaves out (or a route filter) is no route: its door answers as it does without the gate
        return status == null || status.isStarted();
    }
}
