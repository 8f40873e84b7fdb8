package io.hull.customerio.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MarkerFactory;
import org.slf4j.event.KeyValuePair;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.env.Environment;
import org.springframework.mock.env.MockEnvironment;

/** The connector's formatter writes exactly what Spring Boot's {@code logstash} format writes, byte for byte. */
class LogstashLineFormatterTest {

    private final LoggerContext context = new LoggerContext();
    private StructuredLogEncoder springLogstash;
    private StructuredLogEncoder connector;

    @BeforeEach
    void encoders() {
        context.putObject(Environment.class.getName(), new MockEnvironment());
        context.setMDCAdapter(new LogbackMDCAdapter());
        springLogstash = encoder("logstash");
        connector = encoder(LogstashLineFormatter.class.getName());
    }

    @AfterEach
    void stop() {
        springLogstash.stop();
        connector.stop();
    }

    @Test
    void aDecisionLineWithNestedContextAndMdc() {
        LoggingEvent event = event(Level.INFO, "outgoing.user.success", null);
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("id", "5a9c3b8e");
        user.put("email", "anna.müller+quote\"@example.com");
        user.put("external_id", null);
        event.addKeyValuePair(new KeyValuePair("action", "outgoing.user.success"));
        event.addKeyValuePair(new KeyValuePair("user", user));
        event.addKeyValuePair(new KeyValuePair("attributes", 31));
        event.addKeyValuePair(new KeyValuePair("segments", List.of("Hull Users", "Ünïcödé ✓ 🚀")));
        event.setMDCPropertyMap(Map.of("camel.breadcrumbId", "req-1", "camel.routeId", "customerio-user-sync"));

        assertSameLine(event);
    }

    @Test
    void anErrorWithItsStackTraceAndMarkers() {
        LoggingEvent event = event(Level.ERROR, "PUT /api/v1/customers/a%40b failed:\n\tline two", new IllegalStateException("boom", new RuntimeException("cause")));
        event.addMarker(MarkerFactory.getMarker("first"));
        event.addMarker(MarkerFactory.getMarker("second"));

        assertSameLine(event);
        assertThat(text(connector.encode(event))).contains("\"stack_trace\":\"java.lang.IllegalStateException: boom");
    }

    @Test
    void aPlainLineIsOneJsonObjectEndingWithANewLine() {
        LoggingEvent event = event(Level.DEBUG, "ignoring notification n-1 on channel ship:update", null);

        assertSameLine(event);
        assertThat(text(connector.encode(event))).startsWith("{\"@timestamp\":").endsWith("}\n");
    }

    /**
     * With the structured-logging settings an operator may set: stack-trace printing (Spring's own printer instead
     * of Logback's converter) and the member customizer (excluded and renamed fields).
     */
    @Test
    void withStackTraceAndMemberSettings() {
        stop();
        context.putObject(Environment.class.getName(), new MockEnvironment()
                .withProperty("logging.structured.json.stacktrace.root", "first")
                .withProperty("logging.structured.json.stacktrace.max-length", "300")
                .withProperty("logging.structured.json.exclude", "@version,level_value")
                .withProperty("logging.structured.json.rename.logger_name", "logger")
                .withProperty("logging.structured.json.add.service", "customerio"));
        springLogstash = encoder("logstash");
        connector = encoder(LogstashLineFormatter.class.getName());
        LoggingEvent event = event(Level.WARN, "webhook refused", new IllegalStateException("boom", new RuntimeException("cause")));
        event.addKeyValuePair(new KeyValuePair("action", "incoming.event.error"));

        assertSameLine(event);
        assertThat(text(connector.encode(event))).contains("\"logger\":\"hull.connector\"", "\"service\":\"customerio\"")
                .doesNotContain("@version");
    }

    private void assertSameLine(LoggingEvent event) {
        byte[] expected = springLogstash.encode(event);
        byte[] actual = connector.encode(event);
        assertThat(actual).as("%s%nshould be%n%s", text(actual), text(expected)).isEqualTo(expected);
    }

    private LoggingEvent event(Level level, String message, Throwable error) {
        Logger logger = context.getLogger("hull.connector");
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, level, message, error, null);
        event.setInstant(Instant.parse("2026-11-23T22:30:00.123456Z"));
        event.setThreadName("http-7");
        return event;
    }

    private StructuredLogEncoder encoder(String format) {
        StructuredLogEncoder encoder = new StructuredLogEncoder();
        encoder.setContext(context);
        encoder.setFormat(format);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        return encoder;
    }

    private static String text(byte[] line) {
        return new String(line, StandardCharsets.UTF_8);
    }
}
