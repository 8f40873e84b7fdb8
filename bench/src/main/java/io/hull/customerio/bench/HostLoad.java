package io.hull.customerio.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CPU time the machine spent on processes that are not the benchmark's (the runner and the connectors it
 * started): a benchmark on 2 cores next to somebody's test suite measures the test suite too. From the
 * busy time in {@code /proc/stat} minus our own processes' CPU time.
 */
final class HostLoad {

    /** USER_HZ: /proc/stat counts in hundredths of a second on Linux. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    /** CPU time of connectors already stopped (their process is gone, so it is remembered here). */
    private static final AtomicLong STOPPED_CONNECTORS_NANOS = new AtomicLong();

    record Snapshot(long busyNanos, long ownNanos, long at) {
    }

    private HostLoad() {
    }

    static void connectorStopped(Duration cpu) {
        STOPPED_CONNECTORS_NANOS.addAndGet(cpu.toNanos());
    }

    static Snapshot now() {
        long own = ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L)
                + ProcessHandle.current().descendants()
                        .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum()
                + STOPPED_CONNECTORS_NANOS.get();
        return new Snapshot(busyNanos(), own, System.nanoTime());
    }

    /** Cores' worth of CPU other processes used on average since {@code from}. */
    static double otherCores(Snapshot from, Snapshot to) {
        long other = (to.busyNanos() - from.busyNanos()) - (to.ownNanos() - from.ownNanos());
        return Math.max(0, other) / (double) Math.max(1, to.at() - from.at());
    }

    /**
     * Waits (at most {@code patience}) until other processes use less than {@code maxCores} over a few
     * seconds, so a run does not start while the machine is busy; says so either way.
     */
    static void awaitQuiet(double maxCores, Duration patience) {
        long until = System.nanoTime() + patience.toNanos();
        while (true) {
            Snapshot from = now();
            Bench.sleep(Duration.ofSeconds(5));
            double other = otherCores(from, now());
            if (other < maxCores) {
                return;
            }
            if (System.nanoTime() > until) {
                System.out.printf("the machine is still busy (other processes: %.2f cores); measuring anyway%n", other);
                return;
            }
            System.out.printf("waiting for a quiet machine: other processes use %.2f cores%n", other);
        }
    }

    private static long busyNanos() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(cpu[i]);
            }
            return busy * NANOS_PER_TICK;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
