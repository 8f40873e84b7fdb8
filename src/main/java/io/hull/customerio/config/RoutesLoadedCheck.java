package io.hull.customerio.config;

import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * A connector without routes does nothing while its health says UP: starting with no route loaded is a
 * start-up failure (the application stops with this message), not a silent idle process. It happens when
 * {@code camel.main.routes-include-pattern} points at files that are not there (a {@code file:} path relative to
 * another working directory, a typo).
 *
 * <p>A startup listener of the Camel context, called once its routes are started: an exception there fails the
 * context's start, and with it the application's. (Camel only logs one thrown from
 * {@link CamelContextConfiguration#afterApplicationStart}.)
 */
@Component
public class RoutesLoadedCheck implements CamelContextConfiguration {

    private final String routesIncludePattern;

    public RoutesLoadedCheck(@Value("${camel.main.routes-include-pattern:}") String routesIncludePattern) {
        this.routesIncludePattern = routesIncludePattern;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        try {
            camelContext.addStartupListener(new StartupListener() {
                @Override
                public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
                }

                @Override
                public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                    check(context);
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("cannot add the routes check to the Camel context", e);
        }
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
    }

    /** The engineer's routes (routes/customize.yaml) the stages call: without one, every user or account would fail. */
    static final List<String> CUSTOMIZE_ROUTES = List.of("customize-customer", "customize-event", "customize-account");

    void check(CamelContext context) {
        if (!context.getRoutes().isEmpty()) {
            for (String route : CUSTOMIZE_ROUTES) {
                if (context.getRoute(route) == null) {
                    throw InvalidSettingsException.of("camel.main.routes-include-pattern",
                            "route " + route + " is missing from the routes loaded (" + routesIncludePattern
                                    + "): the stages that call it would fail every user or account",
                            "copy it, pass-through, from the customize.yaml of this release (docs/customizing.md)");
                }
            }
        }
        if (context.getRoutes().isEmpty()) {
            throw InvalidSettingsException.of("camel.main.routes-include-pattern",
                    "no Camel route was loaded from camel.main.routes-include-pattern=" + routesIncludePattern
                            + ": the connector would do nothing",
                    "leave it unset for the routes packaged in the jar (classpath:routes/*.yaml), or point it at the route "
                            + "files (e.g. file:/app/routes/*.yaml)");
        }
    }
}
