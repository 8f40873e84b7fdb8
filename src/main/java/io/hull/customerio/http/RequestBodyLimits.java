package io.hull.customerio.http;

import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.config.HullProperties;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The body limits the HTTP routes name, and the {@link RequestBodyCap} of each endpoint that takes a body, so
 * that no request can take more memory than its limit before the route refuses it. The paths are the routes'
 * {@code platform-http} paths (routes/hull-notifications.yaml, customerio-webhooks.yaml, hull-batch.yaml).
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

    @Bean
    public FilterRegistrationBean<RequestBodyCap> notificationBodyCap(RequestBodyLimit notificationBodyLimit,
                                                                      ServerProperties server) {
        return cap("/smart-notifier", notificationBodyLimit.maxBytes(), server);
    }

    @Bean
    public FilterRegistrationBean<RequestBodyCap> webhookBodyCap(RequestBodyLimit webhookBodyLimit, ServerProperties server) {
        return cap("/webhook", webhookBodyLimit.maxBytes(), server);
    }

    /** {@code /batch}: {@code hull.batch.max-request-size} (read by {@code BatchRequests}). */
    @Bean
    public FilterRegistrationBean<RequestBodyCap> batchBodyCap(HullProperties hull, ServerProperties server) {
        return cap("/batch", hull.getBatch().getMaxRequestSize().toBytes(), server);
    }

    /**
     * The rest of an oversized body is discarded up to {@code server.tomcat.max-swallow-size}: Tomcat's own
     * setting for how much of a refused upload is read and thrown away.
     */
    private static FilterRegistrationBean<RequestBodyCap> cap(String path, long maxBytes, ServerProperties server) {
        long maxDiscarded = Math.max(0, server.getTomcat().getMaxSwallowSize().toBytes());
        FilterRegistrationBean<RequestBodyCap> registration = new FilterRegistrationBean<>(new RequestBodyCap(maxBytes, maxDiscarded));
        registration.addUrlPatterns(path);
        registration.setName("requestBodyCap" + path.replace("/", "-"));
        return registration;
    }
}
