package io.hull.customerio.http;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;
import org.springframework.stereotype.Component;

/**
 * A request body's memory ({@link BodyMemoryBudget}) is given back when the exchange that works on it is done: an
 * answer can be written before that (Spring's async timeout answers a request whose route still runs), and the body
 * is in memory until the route lets it go. On the routes platform-http starts only: a route called through
 * {@code direct:} ends before its caller does.
 */
@Component
public class BodyMemoryRoutePolicy implements RoutePolicyFactory {

    private static final String PROPERTY = BodyMemoryBudget.Reservation.ATTRIBUTE;

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        // none on the other routes: nothing to do there, and a policy on every route costs (docs/benchmarks.md)
        if (!(route instanceof RouteDefinition definition) || !definition.getInput().getEndpointUri().startsWith("platform-http:")) {
            return null;
        }
        return new RoutePolicySupport() {
            @Override
            public void onExchangeBegin(Route route, Exchange exchange) {
                HttpServletRequest request = exchange.getMessage().getHeader("CamelHttpServletRequest", HttpServletRequest.class);
                if (request != null && request.getAttribute(PROPERTY) instanceof BodyMemoryBudget.Reservation reservation) {
                    reservation.heldByExchange();
                    exchange.setProperty(PROPERTY, reservation);
                }
            }

            @Override
            public void onExchangeDone(Route route, Exchange exchange) {
                if (exchange.getProperty(PROPERTY) instanceof BodyMemoryBudget.Reservation reservation) {
                    reservation.release();
                }
            }
        };
    }
}
