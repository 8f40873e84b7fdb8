package io.hull.customerio.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.config.HullProperties;
import java.io.IOException;
import java.util.Map;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The body limits the HTTP routes name, and the {@link RequestBodyCap} that keeps every request to its
 * endpoint's limit before the route refuses it, so that no body takes more memory than that.
 */
@Configuration
public class RequestBodyLimits {

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

    /**
     * Every request's body, read at most to its endpoint's limit (see {@link RequestBodyCap}); the paths are the
     * routes' {@code platform-http} paths (routes/hull-notifications.yaml, customerio-webhooks.yaml,
     * hull-batch.yaml), every other path takes no body. First in the chain, before anything can read a body.
     */
    @Bean
    public FilterRegistrationBean<RequestBodyCap> requestBodyCap(RequestBodyLimit notificationBodyLimit,
                                                                 RequestBodyLimit webhookBodyLimit, HullProperties hull,
                                                                 ConnectorProperties connector, ObjectMapper json)
            throws IOException {
        Map<String, Long> limits = Map.of(
                "/smart-notifier", notificationBodyLimit.maxBytes(),
                "/webhook", webhookBodyLimit.maxBytes(),
                "/batch", hull.getBatch().getMaxRequestSize().toBytes()); // read by BatchRequests
        RequestBodyCap cap = new RequestBodyCap(limits, connector.getMaxDiscardedBodySize().toBytes(), json);
        FilterRegistrationBean<RequestBodyCap> registration = new FilterRegistrationBean<>(cap);
        registration.addUrlPatterns("/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
