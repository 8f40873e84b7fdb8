package io.hull.customerio.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * The Hull event name of a Customer.io webhook, from the single table in
 * {@value #TABLE}. Every combination gets a name, known or not: nothing is dropped for its name.
 */
@Component("webhookEventNames")
public class WebhookEventNames {

    static final String TABLE = "customerio-event-names.properties";

    private final Properties table = new Properties();
    /** Known object types, longest first, to split a legacy event_type such as {@code in_app_opened}. */
    private final List<String> objectTypes;

    public WebhookEventNames() {
        try (InputStream in = WebhookEventNames.class.getClassLoader().getResourceAsStream(TABLE)) {
            if (in == null) {
                throw new IllegalStateException(TABLE + " is missing from the classpath");
            }
            table.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + TABLE, e);
        }
        objectTypes = table.stringPropertyNames().stream()
                .filter(k -> k.startsWith("object."))
                .map(k -> k.substring("object.".length()))
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
    }

    /** Reporting format: {@code object_type} + {@code metric}. */
    public String name(String objectType, String metric) {
        String override = table.getProperty("event." + objectType + "." + metric);
        if (override != null) {
            return override;
        }
        return label("object.", objectType) + " " + label("metric.", metric);
    }

    /** Legacy format: {@code event_type} such as {@code email_clicked}, split into object type and metric. */
    public String[] splitLegacy(String eventType) {
        for (String objectType : objectTypes) {
            if (eventType.startsWith(objectType + "_") && eventType.length() > objectType.length() + 1) {
                return new String[] {objectType, eventType.substring(objectType.length() + 1)};
            }
        }
        int underscore = eventType.indexOf('_');
        if (underscore > 0 && underscore < eventType.length() - 1) {
            return new String[] {eventType.substring(0, underscore), eventType.substring(underscore + 1)};
        }
        return new String[] {eventType, ""};
    }

    public String legacyName(String eventType) {
        String[] parts = splitLegacy(eventType);
        return parts[1].isEmpty() ? titleCase(parts[0]) : name(parts[0], parts[1]);
    }

    private String label(String prefix, String value) {
        String known = table.getProperty(prefix + value);
        return known != null ? known : titleCase(value);
    }

    static String titleCase(String raw) {
        return Arrays.stream(raw.trim().split("[_\\s]+"))
                .filter(word -> !word.isEmpty())
                .map(word -> word.substring(0, 1).toUpperCase(Locale.ROOT) + word.substring(1))
                .collect(Collectors.joining(" "));
    }
}
