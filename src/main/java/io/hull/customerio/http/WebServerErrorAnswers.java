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
            // Spring Boot adds a plain ErrorReportValve of its own to the host (server.error.include-stacktrace=never);
            // ours is added when the host starts, after it, so ours is the inner one and answers first
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
            }
        });
    }
}
