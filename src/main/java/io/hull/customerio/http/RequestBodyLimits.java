package io.hull.customerio.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hull.customerio.batch.BatchRequests;
import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.config.HullProperties;
import io.hull.customerio.errors.SafeError;
import io.hull.customerio.hull.NotifierSignatureVerifier;
import io.hull.customerio.sync.FlowControl;
import io.hull.customerio.webhook.WebhookAuthenticator;
import io.hull.customerio.webhook.WebhookUrlTokens;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The body limits the HTTP routes name, and the two servlet filters every request passes before any route:
 * {@link RequestScreening} (what no endpoint takes) and {@link RequestBodyCap} (no body held in memory beyond
 * its endpoint's limit and its door's budget, nor at all for a request its route refuses on its headers).
 * The paths are the routes' {@code platform-http} paths (routes/hull-notifications.yaml,
 * customerio-webhooks.yaml, hull-batch.yaml); every other path takes no body.
 */
@Configuration
public class RequestBodyLimits {

    private static final String NOTIFIER = "/smart-notifier";
    private static final String WEBHOOK = "/webhook";
    private static final String BATCH = "/batch";

    /** {@code /smart-notifier}: {@code connector.max-notification-size}. */
    @Bean
    public RequestBodyLimit notificationBodyLimit(ConnectorProperties connector) {
        return new RequestBodyLimit(connector.getMaxNotificationSize().toBytes());
    }

    /** {@code /webhook}: {@code customerio.webhook.max-body-size}. */
    @Bean
    public RequestBodyLimit webhookBodyLimit(CustomerIoProperties customerIo) {
        return new RequestBodyLimit(customerIo.getWebhook().getMaxBodySize().toBytes());
    }

    /** Before anything: a door whose route is not running answers 503 starting, never 404 (StartingGate). */
    @Bean
    public FilterRegistrationBean<StartingGate> startingGate(ObjectProvider<CamelContext> camel, ConnectorProperties connector,
                                                             ObjectMapper json) {
        FilterRegistrationBean<StartingGate> registration = new FilterRegistrationBean<>(
                new StartingGate(camel, json, unavailableAnswers(connector)));
        registration.addUrlPatterns("/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** First in the chain after the gate, before anything can parse a request. */
    @Bean
    public FilterRegistrationBean<RequestScreening> requestScreening(ConnectorProperties connector, ObjectMapper json,
                                                                     RefusedRequests refusals) {
        RequestScreening screening = new RequestScreening(Set.of(NOTIFIER, WEBHOOK, Doors.CONNECTOR_WEBHOOKS, BATCH),
                connector.getMaxDiscardedBodySize().toBytes(), json, unavailableAnswers(connector), refusals);
        FilterRegistrationBean<RequestScreening> registration = new FilterRegistrationBean<>(screening);
        registration.addUrlPatterns("/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }

    /** Third, before anything can read a body. */
    @Bean
    public FilterRegistrationBean<RequestBodyCap> requestBodyCap(RequestBodyLimit notificationBodyLimit,
                                                                 RequestBodyLimit webhookBodyLimit, HullProperties hull,
                                                                 ConnectorProperties connector, CustomerIoProperties customerIo,
                                                                 NotifierSignatureVerifier notifierSignatures,
                                                                 WebhookAuthenticator webhookAuthenticator,
                                                                 WebhookUrlTokens webhookUrlTokens,
                                                                 BatchRequests batchRequests, ObjectMapper json,
                                                                 MeterRegistry meters, RefusedRequests refusals)
            throws JsonProcessingException {
        BodyMemoryBudget hullBodies = budget("connector.max-body-memory", connector.bodyMemory(), meters);
        BodyMemoryBudget webhookBodies = budget("customerio.webhook.max-body-memory", customerIo.getWebhook().bodyMemory(), meters);
        long retryIn = connector.getFlowControl().getRetryInMillis();
        Map<String, RequestBodyCap.Policy> policies = Map.of(
                NOTIFIER, new RequestBodyCap.Policy(notificationBodyLimit.maxBytes(), request -> notifierSignatures.accepts(
                        request.getHeader(NotifierSignatureVerifier.SIGNATURE_HEADER),
                        request.getHeader(NotifierSignatureVerifier.VERSION_HEADER)),
                        hullBodies, json.writeValueAsBytes(FlowControl.retryAnswer(retryIn, List.of(busy(hullBodies))))),
                WEBHOOK, new RequestBodyCap.Policy(webhookBodyLimit.maxBytes(),
                        request -> webhookAuthenticator.acceptsToken(request.getQueryString()),
                        webhookBodies, json.writeValueAsBytes(ErrorResponses.errors(busy(webhookBodies)))),
                // a connector's own webhook URL: the same limits; refused unread when its token does not open
                Doors.CONNECTOR_WEBHOOKS, new RequestBodyCap.Policy(webhookBodyLimit.maxBytes(),
                        request -> webhookUrlTokens.acceptsPath(request.getRequestURI()),
                        webhookBodies, json.writeValueAsBytes(ErrorResponses.errors(busy(webhookBodies)))),
                // read by BatchRequests
                BATCH, new RequestBodyCap.Policy(hull.getBatch().getMaxRequestSize().toBytes(),
                        request -> batchRequests.acceptsCredentials(request.getQueryString()),
                        hullBodies, json.writeValueAsBytes(ErrorResponses.errors(busy(hullBodies)))));
        RequestBodyCap cap = new RequestBodyCap(policies, connector.getMaxDiscardedBodySize().toBytes(), refusals);
        FilterRegistrationBean<RequestBodyCap> registration = new FilterRegistrationBean<>(cap);
        registration.addUrlPatterns("/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
        return registration;
    }

    /** The 503 bodies that are not the plain error shape: the notifier's carries its flow control retry. */
    private static Map<String, Function<SafeError, Object>> unavailableAnswers(ConnectorProperties connector) {
        long retryIn = connector.getFlowControl().getRetryInMillis();
        return Map.of(NOTIFIER, error -> FlowControl.retryAnswer(retryIn, List.of(error)));
    }

    /** A budget, with its gauge {@code hull_connector_body_memory_held_bytes{budget="<setting>"}}. */
    private static BodyMemoryBudget budget(String setting, long bytes, MeterRegistry meters) {
        BodyMemoryBudget budget = new BodyMemoryBudget(setting, bytes);
        Gauge.builder("hull.connector.body.memory.held", budget, BodyMemoryBudget::held).baseUnit("bytes")
                .description("Request bodies held in memory now, against their budget").tag("budget", setting).register(meters);
        return budget;
    }

    private static SafeError busy(BodyMemoryBudget budget) {
        return new SafeError("busy", "the connector holds as many request bodies as it has memory for (" + budget.name()
                + "); try again later");
    }
}
