package io.hull.customerio.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the connector's CPU samples go, from a recording in JFR's format ({@code jdk.ExecutionSample}): either
 * async-profiler's CPU samples (what ran on a CPU, kernel and JVM code included; the default) or JFR's own
 * (threads in Java code, sampled whether the OS runs them or not: on 2 busy cores, a long computation is
 * over-represented, and the kernel, GC and JIT are missing). Views: the threads; the connector's own methods,
 * inclusive (a sample counts for every one of them on its stack); the libraries on the stack; the library the
 * sampled (top) frame is in; and the sampled methods themselves.
 */
final class JfrHotSpots {

    /** Leaf-frame packages grouped into what an engineer would call them; first match wins. */
    private static final Map<String, String> LIBRARIES = new LinkedHashMap<>();

    static {
        LIBRARIES.put("org.apache.camel.impl.converter", "Camel type converters");
        LIBRARIES.put("org.apache.camel.language.bean", "Camel bean/OGNL expressions");
        LIBRARIES.put("org.apache.camel.component.bean", "Camel bean invocation");
        LIBRARIES.put("com.fasterxml.jackson", "Jackson (JSON)");
        LIBRARIES.put("ch.qos.logback", "Logback (logging)");
        LIBRARIES.put("org.slf4j", "Logback (logging)");
        LIBRARIES.put("org.springframework.boot.logging", "Logback (logging)");
        LIBRARIES.put("jdk.internal.net.http", "JDK HttpClient");
        LIBRARIES.put("java.net.http", "JDK HttpClient");
        LIBRARIES.put("org.apache.tomcat", "Tomcat (HTTP in)");
        LIBRARIES.put("org.apache.coyote", "Tomcat (HTTP in)");
        LIBRARIES.put("org.apache.catalina", "Tomcat (HTTP in)");
        LIBRARIES.put("org.apache.camel", "Camel");
        LIBRARIES.put("io.micrometer", "Micrometer");
        LIBRARIES.put("com.nimbusds", "JWT (Nimbus)");
        LIBRARIES.put("sun.security", "JDK crypto");
        LIBRARIES.put("com.sun.crypto", "JDK crypto");
        LIBRARIES.put("java.security", "JDK crypto");
        LIBRARIES.put("java.util.regex", "JDK regex");
        LIBRARIES.put("java.time", "JDK java.time");
        LIBRARIES.put("sun.nio", "JDK NIO");
        LIBRARIES.put("java.nio", "JDK NIO");
        LIBRARIES.put("io.hull.customerio", "connector code (self)");
        LIBRARIES.put("java.util.concurrent", "JDK concurrency");
        LIBRARIES.put("java.lang", "JDK java.lang (strings, reflection, ...)");
        LIBRARIES.put("java.util", "JDK java.util (collections, ...)");
    }

    record Share(String name, long samples, double percent) {
    }

    record Profile(String source, long samples, List<Share> threads, List<Share> connectorInclusive, List<Share> librariesInclusive,
                   List<Share> libraries, List<Share> topMethods) {

        String markdown(double cpuMicrosPerUser) {
            StringBuilder md = new StringBuilder(Results.format("%d samples (%s) in the measured window.%n", samples, source));
            if (source.startsWith("async-profiler") && librariesInclusive.stream().noneMatch(s -> s.name().startsWith("kernel"))) {
                md.append("No kernel frames: async-profiler could not use perf events here and fell back to a timer,"
                        + " so time in the kernel is not in these shares.\n");
            }
            table(md, "Threads (digits as #)", threads, cpuMicrosPerUser);
            table(md, "The connector's methods, inclusive (a sample counts for each one on its stack)", connectorInclusive, cpuMicrosPerUser);
            table(md, "Libraries on the stack, inclusive (a sample counts for each one on its stack)", librariesInclusive, cpuMicrosPerUser);
            table(md, "Library of the sampled frame (self time)", libraries, cpuMicrosPerUser);
            table(md, "Sampled methods (self time)", topMethods, cpuMicrosPerUser);
            return md.toString();
        }

        private static void table(StringBuilder md, String title, List<Share> shares, double cpuMicrosPerUser) {
            md.append("\n").append(title).append(":\n\n| | samples | share | ≈ CPU µs per user |\n|---|---|---|---|\n");
            for (Share share : shares) {
                md.append(Results.format("| `%s` | %d | %.1f %% | %.0f |%n", share.name(), share.samples(), share.percent(),
                        share.percent() / 100 * cpuMicrosPerUser));
            }
        }
    }

    private JfrHotSpots() {
    }

    static Profile analyze(String source, Path recording, Instant from, Instant to, int top) {
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> libraries = new HashMap<>();
        Map<String, Long> librariesInclusive = new HashMap<>();
        Map<String, Long> methods = new HashMap<>();
        long samples = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample")
                        || event.getStartTime().isBefore(from) || event.getStartTime().isAfter(to)
                        || event.getStackTrace() == null || event.getStackTrace().getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                threads.merge(threadName(event), 1L, Long::sum);
                List<RecordedFrame> frames = event.getStackTrace().getFrames();
                RecordedFrame leaf = frames.get(0);
                methods.merge(name(leaf.getMethod()), 1L, Long::sum);
                libraries.merge(library(leaf), 1L, Long::sum);
                Set<String> ours = new HashSet<>();
                Set<String> onStack = new HashSet<>();
                for (RecordedFrame frame : frames) {
                    if (frame.getMethod().getType().getName().startsWith("io.hull.customerio")) {
                        ours.add(name(frame.getMethod()));
                    }
                    onStack.add(library(frame));
                }
                ours.forEach(method -> inclusive.merge(method, 1L, Long::sum));
                onStack.forEach(library -> librariesInclusive.merge(library, 1L, Long::sum));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + recording, e);
        }
        return new Profile(source, samples, top(threads, samples, top), top(inclusive, samples, top),
                top(librariesInclusive, samples, top), top(libraries, samples, top), top(methods, samples, top));
    }

    private static List<Share> top(Map<String, Long> counts, long samples, int top) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(top)
                .map(e -> new Share(e.getKey(), e.getValue(), samples == 0 ? 0 : 100.0 * e.getValue() / samples))
                .collect(Collectors.toList());
    }

    /** {@code Class.method}; a kernel function by its name, a native one as {@code libjvm.so Function}. */
    private static String name(RecordedMethod method) {
        String type = method.getType().getName();
        if (type.isEmpty()) {
            return method.getName();
        }
        if (type.endsWith(".so")) {
            return type + " " + method.getName();
        }
        return type.substring(type.lastIndexOf('.') + 1) + "." + method.getName();
    }

    /** "Camel (camel-1) thread #12 - Split" → "Camel (camel-#) thread ## - Split"; a thread of the JVM by its OS name. */
    private static String threadName(RecordedEvent event) {
        RecordedThread thread = event.getThread("sampledThread");
        String name = thread == null ? null : thread.getJavaName() != null ? thread.getJavaName() : thread.getOSName();
        return name == null ? "(unknown)" : name.replaceAll("\\d+", "#");
    }

    /** Kernel and native frames (async-profiler's) by what they are, Java frames by their class's package. */
    private static String library(RecordedFrame frame) {
        String frameType = frame.getType();
        if ("Kernel".equals(frameType)) {
            return "kernel (sockets, futex, scheduling, ...)";
        }
        String type = frame.getMethod().getType().getName();
        // by the class's name: a Java method declared native (a socket's read0) has frame type "Native" too
        if (type.endsWith(".so") || type.isEmpty()) {
            return "JVM and native code (GC, JIT, runtime, libc)";
        }
        return library(type);
    }

    private static String library(String type) {
        for (Map.Entry<String, String> library : LIBRARIES.entrySet()) {
            if (type.startsWith(library.getKey())) {
                return library.getValue();
            }
        }
        int lastDot = type.lastIndexOf('.');
        return lastDot < 0 ? type : type.substring(0, lastDot);
    }
}
