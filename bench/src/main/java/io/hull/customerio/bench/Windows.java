package io.hull.customerio.bench;

import java.util.Arrays;
import java.util.List;

/** Counting over time and latency percentiles. Times are {@link System#nanoTime()} values. */
final class Windows {

    static final long SECOND = 1_000_000_000L;

    private Windows() {
    }

    /** The most arrivals in any window [t, t + 1 s), t being any arrival (the worst window always starts at one). */
    static int worstSecond(long[] sortedArrivals) {
        int worst = 0;
        int end = 0;
        for (int start = 0; start < sortedArrivals.length; start++) {
            while (end < sortedArrivals.length && sortedArrivals[end] - sortedArrivals[start] < SECOND) {
                end++;
            }
            worst = Math.max(worst, end - start);
        }
        return worst;
    }

    /** Arrivals in [from, to). */
    static int between(long[] sortedArrivals, long from, long to) {
        int n = 0;
        for (long arrival : sortedArrivals) {
            if (arrival - from >= 0 && arrival - to < 0) {
                n++;
            }
        }
        return n;
    }

    static long[] sorted(List<Long> values) {
        long[] array = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(array);
        return array;
    }

    /** The {@code p}-th percentile (0-100) of sorted values, nearest rank. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
