package io.hull.customerio.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import java.nio.charset.Charset;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.springframework.boot.json.JsonWriter;
import org.springframework.boot.logging.StackTracePrinter;
import org.springframework.boot.logging.structured.ContextPairs;
import org.springframework.boot.logging.structured.JsonWriterStructuredLogFormatter;
import org.springframework.boot.logging.structured.StructuredLoggingJsonMembersCustomizer;

/**
 * The connector's log lines: Spring Boot's {@code logstash} structured format, field for field (same members,
 * in the same order, as Spring Boot 3.5's {@code LogstashStructuredLogFormatter}; {@code LogstashLineFormatterTest}
 * compares the two byte for byte), selected with
 * {@code logging.structured.format.console: io.hull.customerio.logging.LogstashLineFormatter}.
 * <p>
 * Why a copy: Spring Boot turns a line into bytes through an unbuffered {@code OutputStreamWriter}, one
 * character at a time, each through the encoder's lock (spring-boot#49428). The connector writes a line per
 * synced user and per webhook, and that encoding alone was ~4 % of the CPU of a user sync (JFR: the
 * {@code StreamEncoder.write} samples, docs/benchmarks.md). Here the line is built as text, then encoded once.
 */
public class LogstashLineFormatter extends JsonWriterStructuredLogFormatter<ILoggingEvent> {

    private static final JsonWriter.PairExtractor<KeyValuePair> KEY_VALUE_PAIRS =
            JsonWriter.PairExtractor.of(pair -> pair.key, pair -> pair.value);

    /** Spring Boot's instantiator passes these (the stack-trace printer is null unless configured). */
    public LogstashLineFormatter(StackTracePrinter stackTracePrinter, ContextPairs contextPairs,
                                 ThrowableProxyConverter throwableProxyConverter,
                                 StructuredLoggingJsonMembersCustomizer<?> customizer) {
        super(members -> members(stackTracePrinter, contextPairs, throwableProxyConverter, members), customizer);
    }

    private static void members(StackTracePrinter stackTracePrinter, ContextPairs contextPairs,
                                ThrowableProxyConverter throwableProxyConverter, JsonWriter.Members<ILoggingEvent> members) {
        members.add("@timestamp", ILoggingEvent::getInstant).as(LogstashLineFormatter::timestamp);
        members.add("@version", "1");
        members.add("message", ILoggingEvent::getFormattedMessage);
        members.add("logger_name", ILoggingEvent::getLoggerName);
        members.add("thread_name", ILoggingEvent::getThreadName);
        members.add("level", ILoggingEvent::getLevel);
        members.add("level_value", ILoggingEvent::getLevel).as(Level::toInt);
        members.add().usingPairs(contextPairs.flat("_", pairs -> {
            pairs.addMapEntries(ILoggingEvent::getMDCPropertyMap);
            pairs.add(ILoggingEvent::getKeyValuePairs, KEY_VALUE_PAIRS);
        }));
        members.add("tags", ILoggingEvent::getMarkerList)
                .whenNotNull()
                .as(LogstashLineFormatter::markerNames)
                .whenNotEmpty();
        members.add("stack_trace", event -> event)
                .whenNotNull(ILoggingEvent::getThrowableProxy)
                .as(event -> stackTrace(event, stackTracePrinter, throwableProxyConverter));
    }

    /** The line as text (a {@code StringBuilder} inside), encoded in one go. */
    @Override
    public byte[] formatAsBytes(ILoggingEvent event, Charset charset) {
        return format(event).getBytes(charset);
    }

    private static String timestamp(Instant instant) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(OffsetDateTime.ofInstant(instant, ZoneId.systemDefault()));
    }

    /** As Spring's, except that an event without a real Throwable falls back to Logback's text instead of failing. */
    private static String stackTrace(ILoggingEvent event, StackTracePrinter printer, ThrowableProxyConverter converter) {
        if (printer != null && event.getThrowableProxy() instanceof ThrowableProxy proxy) {
            return printer.printStackTraceToString(proxy.getThrowable());
        }
        return converter.convert(event);
    }

    private static Set<String> markerNames(List<Marker> markers) {
        Set<String> names = new LinkedHashSet<>();
        addMarkerNames(names, markers.iterator());
        return names;
    }

    private static void addMarkerNames(Set<String> names, Iterator<Marker> markers) {
        while (markers.hasNext()) {
            Marker marker = markers.next();
            names.add(marker.getName());
            if (marker.hasReferences()) {
                addMarkerNames(names, marker.iterator());
            }
        }
    }
}
