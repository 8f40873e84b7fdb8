package io.hull.customerio.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.config.HullProperties;
import io.hull.customerio.errors.SafeError;
import io.hull.customerio.hull.NotifierSignatureVerifier;
import io.hull.customerio.sync.FlowControl;
import io.hull.customerio.webhook.WebhookAuthenticator;
import java.util.List;
import java.util.Map;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The body limits the HTTP routes name, and the two servlet filters every request passes before any route:
 * {@link RequestScreening} (what no endpoint takes) and {@link RequestBodyCap} (no body held in memory beyond
 * its endpoint's limit, nor at all for a request its route refuses on its headers).
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

    /** First in the chain, before anything can parse a request. */
    @Bean
    public FilterRegistrationBean<RequestScreening> requestScreening(ConnectorProperties connector, ObjectMapper json) {
        RequestScreening screening = new RequestScreening(java.util.Set.of(NOTIFIER, WEBHOOK, BATCH),
                connector.getMaxDiscardedBodySize().toBytes(), json);
        FilterRegistrationBean<RequestScreening> registration = new FilterRegistrationBean<>(screening);
        registration.addUrlPatterns("/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** Second, before anything can read a body. */
    @Bean
    public FilterRegistrationBean<RequestBodyCap> requestBodyCap(RequestBodyLimit notificationBodyLimit,
                                                                 RequestBodyLimit webhookBodyLimit, HullProperties hull,
                                                                 ConnectorProperties connector,
                                                                 NotifierSignatureVerifier notifierSignatures,
                                                                 WebhookAuthenticator webhookAuthenticator, ObjectMapper json)
            throws JsonProcessingException {
        Map<String, RequestBodyCap.Policy> policies = Map.of(
                NOTIFIER, new RequestBodyCap.Policy(notificationBodyLimit.maxBytes(), request -> notifierSignatures.accepts(
                        request.getHeader(NotifierSignatureVerifier.SIGNATURE_HEADER),
                        request.getHeader(NotifierSignatureVerifier.VERSION_HEADER))),
                WEBHOOK, new RequestBodyCap.Policy(webhookBodyLimit.maxBytes(),
                        request -> webhookAuthenticator.acceptsToken(request.getQueryString())),
                BATCH, RequestBodyCap.Policy.upTo(hull.getBatch().getMaxRequestSize().toBytes())); // read by BatchRequests
        SafeError busy = new SafeError("busy",
                "the connector holds as many request bodies as it has memory for (connector.max-body-memory); try again later");
        byte[] notifierBusy = json.writeValueAsBytes(FlowControl.retryAnswer(connector.getFlowControl().getRetryInMillis(), List.of(busy)));
        byte[] otherBusy = json.writeValueAsBytes(ErrorResponses.errors(busy));
        RequestBodyCap cap = new RequestBodyCap(policies, connector.getMaxDiscardedBodySize().toBytes(),
                new BodyMemoryBudget(connector.bodyMemory()), path -> NOTIFIER.equals(path) ? notifierBusy : otherBusy);
        FilterRegistrationBean<RequestBodyCap> registration = new FilterRegistrationBean<>(cap);
        registration.addUrlPatterns("/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }
}
