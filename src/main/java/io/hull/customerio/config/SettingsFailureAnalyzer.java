package io.hull.customerio.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Wrong settings (SettingsCheck, or a key read later) become Spring Boot's failure analysis, so no stack trace is logged. */
public class SettingsFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSettingsException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidSettingsException cause) {
        return new FailureAnalysis(cause.getMessage(), "fix the settings named above (docs/configuration.md)", cause);
    }
}
