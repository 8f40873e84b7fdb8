package io.hull.customerio.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalysisReporter;

/**
 * How a start that failed is told: one ERROR line per wrong setting (its name, what is wrong, how to fix it), and any
 * other failure Spring Boot analysed (a port in use, a bean that cannot be made) in one line too, instead of
 * Spring Boot's multi-line banner (LoggingFailureAnalysisReporter is off in application.yaml).
 */
public class SettingsFailureReporter implements FailureAnalysisReporter {

    private static final Logger log = LoggerFactory.getLogger("io.hull.customerio.settings");

    @Override
    public void report(FailureAnalysis analysis) {
        if (analysis.getCause() instanceof InvalidSettingsException settings) {
            for (InvalidSettingsException.Problem problem : settings.problems()) {
                log.atError().setMessage("wrong setting " + problem.line()).addKeyValue("setting", problem.setting())
                        .addKeyValue("problem", problem.problem()).addKeyValue("fix", problem.fix()).log();
            }
            return;
        }
        log.error("the connector did not start: {} {}", oneLine(analysis.getDescription()), oneLine(analysis.getAction()));
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\n\\s*", " ");
    }
}
