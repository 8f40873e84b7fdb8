package io.hull.customerio.http;

import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.config.CustomerIoProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The body limits the HTTP routes name. */
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
}
