package io.hull.customerio.config;

import io.hull.customerio.config.InvalidSettingsException.Problem;
import io.hull.customerio.hull.FirehoseRequests;
import io.hull.customerio.hull.NotifierPublicKey;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.util.unit.DataSize;

/**
 * Every wrong setting, said before anything starts: {@code connector.*}, {@code customerio.*} and {@code hull.*}
 * are bound as the connector binds them, each value that cannot be read and each that cannot work is a
 * {@link Problem}, and if there is any the connector does not start ({@link InvalidSettingsException}: one ERROR
 * line each, no stack trace). Runs as an initializer (META-INF/spring.factories): after logging is set up, before
 * any bean, so a wrong setting is never a bean's stack trace.
 */
public class SettingsCheck implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        List<Problem> problems = check(context.getEnvironment());
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(problems);
        }
    }

    static List<Problem> check(ConfigurableEnvironment environment) {
        Binder binder = Binder.get(environment);
        List<Problem> problems = new ArrayList<>();
        ProblemCollector collector = new ProblemCollector(problems);
        ConnectorProperties connector = binder.bind("connector", Bindable.of(ConnectorProperties.class), collector)
                .orElseGet(ConnectorProperties::new);
        CustomerIoProperties customerIo = binder.bind("customerio", Bindable.of(CustomerIoProperties.class), collector)
                .orElseGet(CustomerIoProperties::new);
        HullProperties hull = binder.bind("hull", Bindable.of(HullProperties.class), collector).orElseGet(HullProperties::new);

        oneOf(problems, "connector.transport", connector.getTransport(), "direct", "kafka");
        oneOf(problems, "customerio.api", customerIo.getApi(), "v1", "v2-batch");
        for (String problem : io.hull.customerio.webhook.WebhookUrlTokens.problems(connector.getWebhookUrlKeys())) {
            problems.add(new Problem("connector.webhook-url-keys", problem,
                    "give each as keyId:base64key, the key 32 random bytes (openssl rand -base64 32)"));
        }
        if (connector.getPublicUrl() != null && !connector.getPublicUrl().isBlank()
                && !connector.getPublicUrl().matches("https?://[^\\s/?#]+(/[^\\s?#]*)?")) {
            problems.add(new Problem("connector.public-url", "is not an http(s) URL without query",
                    "give the address Customer.io reaches the connector at, e.g. https://customerio.example.com"));
        }
        if (environment.containsProperty("customerio.track-url") && customerIo.configuredTrackUrl() == null) {
            problems.add(new Problem("customerio.track-url", "is set, but empty",
                    "remove it to have each site's region asked of Customer.io, or give a URL such as https://track-eu.customer.io"));
        }
        url(problems, "customerio.track-url", customerIo.configuredTrackUrl(),
                "leave it unset (each site's region is asked of Customer.io), or give e.g. https://track-eu.customer.io");
        url(problems, "customerio.region-url", customerIo.getRegionUrl(), "leave it at https://track.customer.io");
        if (customerIo.isV2Batch()) {
            long maxBytes = customerIo.getBatch().getMaxBytes() == null ? 0 : customerIo.getBatch().getMaxBytes().toBytes();
            if (maxBytes < 1024 || maxBytes > CustomerIoProperties.Batch.MAX_BYTES.toBytes()) {
                problems.add(new Problem("customerio.batch.max-bytes", "must be between 1KB and 500KB (Customer.io's most per request)",
                        "give e.g. 500KB"));
            }
            atLeast(problems, "customerio.batch.max-items", customerIo.getBatch().getMaxItems(), 1);
            positive(problems, "customerio.batch.max-wait", customerIo.getBatch().getMaxWait());
        }
        if ("kafka".equals(connector.getTransport())) {
            atLeast(problems, "connector.kafka.max-attempts", connector.getKafka().getMaxAttempts(), 1);
            atLeast(problems, "connector.kafka.batch-size", connector.getKafka().getBatchSize(), 1);
            atLeast(problems, "connector.kafka.consumers", connector.getKafka().getConsumers(), 1);
        }
        int webhookBatch = customerIo.getWebhook().getBatchSize();
        if (webhookBatch < 1 || webhookBatch > FirehoseRequests.MAX_BATCH) {
            problems.add(new Problem("customerio.webhook.batch-size", "must be between 1 and " + FirehoseRequests.MAX_BATCH
                    + " (Hull's firehose takes at most " + FirehoseRequests.MAX_BATCH + " calls per request), was " + webhookBatch,
                    "give e.g. 100"));
        }
        atLeast(problems, "customerio.rate-limit", customerIo.getRateLimit(), 1);
        atLeast(problems, "customerio.attributes-per-request", customerIo.getAttributesPerRequest(), 1);
        String publicKey = hull.getNotifier().getPublicKey();
        if (hull.getNotifier().isVerifySignature() && publicKey != null && !publicKey.isBlank()) {
            try {
                NotifierPublicKey.read(publicKey, new DefaultResourceLoader());
            } catch (InvalidSettingsException e) {
                problems.addAll(e.problems());
            }
        }
        return problems;
    }

    private static void oneOf(List<Problem> problems, String setting, String value, String... allowed) {
        for (String candidate : allowed) {
            if (candidate.equals(value)) {
                return;
            }
        }
        problems.add(new Problem(setting, "'" + value + "' is not one of " + String.join(", ", allowed),
                "set it to " + String.join(" or ", allowed)));
    }

    private static void url(List<Problem> problems, String setting, String value, String fix) {
        if (value == null) {
            return;
        }
        try {
            URI uri = new URI(value.trim());
            if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getUserInfo() == null && uri.getQuery() == null) {
                return;
            }
        } catch (URISyntaxException e) {
            // said below
        }
        // the value is not repeated: a URL with a user may carry its password
        problems.add(new Problem(setting, "is not an http(s) URL with a host (and no user or query)", fix));
    }

    private static void atLeast(List<Problem> problems, String setting, int value, int least) {
        if (value < least) {
            problems.add(new Problem(setting, value + " is less than " + least, "give " + least + " or more"));
        }
    }

    private static void positive(List<Problem> problems, String setting, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            problems.add(new Problem(setting, "must be longer than 0", "give e.g. 200ms"));
        }
    }

    /** Each value that cannot be bound is a problem, and binding goes on, so every one is said at once. */
    private static final class ProblemCollector extends AbstractBindHandler {

        private final List<Problem> problems;

        ProblemCollector(List<Problem> problems) {
            this.problems = problems;
        }

        @Override
        public Object onFailure(ConfigurationPropertyName name, Bindable<?> target, BindContext context, Exception error) {
            Class<?> type = target.getType().resolve(Object.class);
            String setting = name.toString();
            Object value = context.getConfigurationProperty() == null ? null : context.getConfigurationProperty().getValue();
            String shown = value == null || secret(setting) ? "its value" : "'" + value + "'";
            Expected expected = Expected.of(type);
            problems.add(new Problem(setting, shown + " is not " + expected.what(), expected.example()));
            return null;
        }

        private static boolean secret(String setting) {
            String lower = setting.toLowerCase(Locale.ROOT);
            return lower.contains("key") || lower.contains("secret") || lower.contains("token") || lower.contains("password");
        }

        /** What a value of this type must be, and how to write one. */
        private record Expected(String what, String example) {
            static Expected of(Class<?> type) {
                if (type == Duration.class) {
                    return new Expected("a duration", "write it like 500ms, 15s, 2m or PT15S");
                }
                if (type == DataSize.class) {
                    return new Expected("a size", "write it like 64KB, 500KB or 32MB");
                }
                if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
                    return new Expected("a whole number", "write digits only, e.g. 100");
                }
                if (type == boolean.class || type == Boolean.class) {
                    return new Expected("true or false", "write true or false");
                }
                return new Expected("a " + type.getSimpleName(), "see docs/configuration.md");
            }
        }
    }
}
