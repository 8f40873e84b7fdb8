package io.hull.customerio.logging;

import java.util.Objects;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.impl.engine.DefaultUnitOfWork;
import org.apache.camel.spi.InflightRepository;
import org.apache.camel.spi.UnitOfWork;
import org.apache.camel.spi.UnitOfWorkFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * The three MDC keys every log line carries (docs/operations.md): {@value UnitOfWork#MDC_BREADCRUMB_ID} (the request
 * id), {@value UnitOfWork#MDC_ROUTE_ID} and {@value UnitOfWork#MDC_EXCHANGE_ID}, kept as Camel's {@code use-mdc-logging}
 * keeps them: set for the exchange before each step runs (also when it goes on in another thread), the route's id
 * while the exchange is in a route, and what the thread held before given back when the exchange is done.
 *
 * <p>Camel picks this factory up as the context's unit of work factory (a bean of that type), and
 * {@code camel.main.use-mdc-logging} stays off. Camel's own MDC unit of work writes eight keys before every step and
 * removes them after it (logback copies its MDC map on the next read after a write), and copies the whole MDC into
 * every task of a parallel split: 4 % of a synced user's CPU in the throughput benchmark (docs/benchmarks.md). Here a
 * key is only written when its value changes, which between the steps of one exchange is never.
 */
@Component
public class LogContextUnitOfWorkFactory implements UnitOfWorkFactory {

    private InflightRepository inflightRepository;
    private boolean allowUseOriginalMessage;
    private boolean useBreadcrumb;

    @Override
    public UnitOfWork createUnitOfWork(Exchange exchange) {
        return new LogContextUnitOfWork(this, exchange, inflightRepository, allowUseOriginalMessage, useBreadcrumb);
    }

    @Override
    public void afterPropertiesConfigured(CamelContext camelContext) {
        inflightRepository = camelContext.getInflightRepository();
        allowUseOriginalMessage = Boolean.TRUE.equals(camelContext.isAllowUseOriginalMessage());
        useBreadcrumb = Boolean.TRUE.equals(camelContext.isUseBreadcrumb());
    }

    static final class LogContextUnitOfWork extends DefaultUnitOfWork {

        private final LogContextUnitOfWorkFactory factory;
        private final String originalBreadcrumbId = MDC.get(MDC_BREADCRUMB_ID);
        private final String originalExchangeId = MDC.get(MDC_EXCHANGE_ID);
        private final String originalRouteId = MDC.get(MDC_ROUTE_ID);

        LogContextUnitOfWork(LogContextUnitOfWorkFactory factory, Exchange exchange, InflightRepository inflightRepository,
                             boolean allowUseOriginalMessage, boolean useBreadcrumb) {
            super(exchange, inflightRepository, allowUseOriginalMessage, useBreadcrumb);
            this.factory = factory;
            enter(exchange);
        }

        /** A split's or enrich's exchange: a unit of work of the same kind, as Camel's own would make. */
        @Override
        public UnitOfWork createChildUnitOfWork(Exchange childExchange) {
            UnitOfWork child = factory.createUnitOfWork(childExchange);
            child.setParentUnitOfWork(this);
            return child;
        }

        @Override
        public boolean isBeforeAfterProcess() {
            return true;
        }

        /** Before every step: the exchange may have moved to another thread since the last one. */
        @Override
        public AsyncCallback beforeProcess(Processor processor, Exchange exchange, AsyncCallback callback) {
            enter(exchange);
            return callback;
        }

        @Override
        public void pushRoute(Route route) {
            super.pushRoute(route);
            put(MDC_ROUTE_ID, route != null ? route.getRouteId() : null);
        }

        @Override
        public Route popRoute() {
            Route answer = super.popRoute();
            Route previous = getRoute();
            put(MDC_ROUTE_ID, previous != null ? previous.getRouteId() : null);
            return answer;
        }

        @Override
        public void done(Exchange exchange) {
            super.done(exchange);
            leave();
        }

        @Override
        protected void onDone() {
            super.onDone();
            leave();
        }

        @Override
        public void reset() {
            super.reset();
            leave();
        }

        private void enter(Exchange exchange) {
            put(MDC_EXCHANGE_ID, exchange.getExchangeId());
            put(MDC_BREADCRUMB_ID, exchange.getIn().getHeader(Exchange.BREADCRUMB_ID, String.class));
            Route route = getRoute();
            if (route != null) {
                put(MDC_ROUTE_ID, route.getRouteId());
            }
        }

        private void leave() {
            put(MDC_BREADCRUMB_ID, originalBreadcrumbId);
            put(MDC_EXCHANGE_ID, originalExchangeId);
            put(MDC_ROUTE_ID, originalRouteId);
        }

        private static void put(String key, String value) {
            if (!Objects.equals(MDC.get(key), value)) {
                if (value == null) {
                    MDC.remove(key);
                } else {
                    MDC.put(key, value);
                }
            }
        }

        @Override
        public String toString() {
            return "LogContextUnitOfWork";
        }
    }
}
