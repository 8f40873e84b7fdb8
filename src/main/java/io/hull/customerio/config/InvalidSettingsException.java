package io.hull.customerio.config;

import java.util.List;

/**
 * Settings the connector cannot start with, each said once: the setting, what is wrong with it, how to fix it. The
 * connector does not start; {@link SettingsFailureReporter} logs one ERROR line per problem, without a stack trace.
 * No problem quotes the value of a secret.
 */
public class InvalidSettingsException extends RuntimeException {

    /** One wrong setting. */
    public record Problem(String setting, String problem, String fix) {
        /** The line an operator reads: {@code hull.notifier.public-key: no file /x.pem; give ...}. */
        public String line() {
            return setting + ": " + problem + "; " + fix;
        }
    }

    private final transient List<Problem> problems;

    public InvalidSettingsException(List<Problem> problems) {
        super(problems.size() == 1 ? problems.get(0).line() : problems.size() + " settings are wrong: "
                + String.join(" | ", problems.stream().map(Problem::line).toList()), null, false, false);
        this.problems = List.copyOf(problems);
    }

    public static InvalidSettingsException of(String setting, String problem, String fix) {
        return new InvalidSettingsException(List.of(new Problem(setting, problem, fix)));
    }

    public List<Problem> problems() {
        return problems;
    }
}
