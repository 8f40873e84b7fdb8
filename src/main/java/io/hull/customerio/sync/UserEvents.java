package io.hull.customerio.sync;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.support.ExpressionAdapter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The user's events, as route sync-user reads them: whether it has any ({@code with-events}) and, in order, what
 * split {@code each-event} of route sync-user-events goes through. Beans, not {@code simple}: Simple's OGNL would find
 * {@code message().path('events')} by reflection for every user.
 */
@Configuration(proxyBeanMethods = false)
public class UserEvents {

    @Bean
    public Predicate userHasEvents() {
        return exchange -> !user(exchange).message().path("events").isEmpty();
    }

    @Bean
    public ExpressionAdapter userEventList() {
        return new ExpressionAdapter() {
            @Override
            public Object evaluate(Exchange exchange) {
                return user(exchange).message().path("events");
            }
        };
    }

    private static UserSync user(Exchange exchange) {
        return exchange.getProperty(UserSync.PROPERTY, UserSync.class);
    }
}
