package io.hull.customerio.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * async-profiler's native agent, from its jar on the bench's classpath (-Pbench), copied to a file a JVM can load
 * with {@code -agentpath}. Empty where there is none for this machine (it is built for Linux x64 and arm64 here);
 * the profile is then JFR's.
 */
final class CpuProfiler {

    private CpuProfiler() {
    }

    static Optional<Path> agent(Path target) {
        if (!System.getProperty("os.name").toLowerCase().contains("linux")) {
            return Optional.empty();
        }
        String arch = System.getProperty("os.arch");
        String platform = arch.equals("amd64") || arch.equals("x86_64") ? "linux-x64" : arch.equals("aarch64") ? "linux-arm64" : null;
        if (platform == null) {
            return Optional.empty();
        }
        try (InputStream library = CpuProfiler.class.getClassLoader().getResourceAsStream(platform + "/libasyncProfiler.so")) {
            if (library == null) {
                return Optional.empty();
            }
            Files.copy(library, target, StandardCopyOption.REPLACE_EXISTING);
            return Optional.of(target.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy async-profiler's agent to " + target, e);
        }
    }
}
