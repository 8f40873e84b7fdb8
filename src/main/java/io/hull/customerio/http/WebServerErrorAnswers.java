package io.hull.customerio.http;

import org.apache.catalina.core.StandardHost;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Tomcat reports the errors it answers by itself with {@link JsonErrorReportValve} instead of its HTML valve:
 * the host's error report valve class, set before the host starts (the host adds that valve when it starts).
 */
@Component
public class WebServerErrorAnswers implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
                // Spring Boot adds a plain ErrorReportValve of its own (server.error.include-stacktrace=never). Should it
                // come after this, it is still outside ours, added when the host starts: ours answers first.
                for (var valve : host.getPipeline().getValves()) {
                    if (valve.getClass() == org.apache.catalina.valves.ErrorReportValve.class) {
                        host.getPipeline().removeValve(valve);
                    }
                }
            }
        });
    }
}
