package io.hull.customerio.webhook;

import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.config.HullProperties;
import io.hull.customerio.hull.FirehoseClient;
import io.hull.customerio.hull.FirehoseEntry;
import io.hull.customerio.hull.HullCredentials;
import io.hull.customerio.hull.HullUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Writes webhook track calls to Hull's firehose, letting concurrent webhooks share requests: the first call
 * waits at most {@code customerio.webhook.batch-window} (a few ms) for others, up to {@code batch-size}
 * entries, then the batch goes out while the next one collects. Each webhook still waits for its own batch,
 * so it is answered 200 only once Hull accepted its entry, and gets an exception (→ 503) otherwise.
 * A failed attempt (429, 5xx, timeout) is retried while the webhook's {@code answer-timeout} leaves room;
 * Hull refusing for good (other 4xx) is not retried. A webhook answered 503 on timeout may still reach Hull
 * afterwards; Customer.io's retry then carries the same {@code event_id}, which Hull drops as a duplicate.
 */
@Component("hullTrackBatcher")
public class HullTrackBatcher implements DisposableBean {

    private record Pending(FirehoseEntry entry, CompletableFuture<Void> done) {}

    private final FirehoseClient firehose;
    private final HullCredentials hull;
    private final CustomerIoProperties.Webhook settings;
    private final int batchSize;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final ExecutorService senders;
    private final Thread collector;
    private volatile boolean running = true;

    public HullTrackBatcher(FirehoseClient firehose, HullProperties hullProperties, CustomerIoProperties customerIo) {
        this.firehose = firehose;
        this.hull = new HullCredentials(hullProperties.getOrganization(), hullProperties.getConnectorId(), hullProperties.getSecret());
        this.settings = customerIo.getWebhook();
        this.batchSize = Math.max(1, Math.min(settings.getBatchSize(), FirehoseClient.MAX_BATCH));
        AtomicInteger threads = new AtomicInteger();
        this.senders = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "hull-track-sender-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.collector = new Thread(this::collect, "hull-track-batcher");
        this.collector.setDaemon(true);
        this.collector.start();
    }

    /**
     * Sends one webhook's track call and waits until Hull accepted it.
     *
     * @throws HullUnavailableException when Hull did not accept it within {@code answer-timeout}
     * @throws io.hull.customerio.hull.HullRejectedException when Hull refused it
     */
    public void track(HullTrackEvent event) {
        long deadline = System.nanoTime() + settings.getAnswerTimeout().toNanos();
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Pending(FirehoseEntry.track(hull, event.claims(), event.body()), done));
        try {
            done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new HullUnavailableException("Hull did not accept the event within " + settings.getAnswerTimeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HullUnavailableException("interrupted while waiting for Hull", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new HullUnavailableException("Hull firehose call failed: " + e.getCause(), e.getCause());
        }
    }

    private void collect() {
        long window = settings.getBatchWindow().toNanos();
        while (running) {
            try {
                Pending first = queue.take();
                List<Pending> batch = new ArrayList<>(batchSize);
                batch.add(first);
                long closes = System.nanoTime() + window;
                while (batch.size() < batchSize) {
                    long left = closes - System.nanoTime();
                    Pending next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                senders.execute(() -> send(batch));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void send(List<Pending> batch) {
        List<FirehoseEntry> entries = batch.stream().map(Pending::entry).toList();
        // No attempt is started that could not finish before the webhooks stop waiting for it.
        long giveUp = System.nanoTime() + settings.getAnswerTimeout().toNanos();
        Duration timeout = settings.getHullTimeout();
        RuntimeException failure = null;
        for (int attempt = 0; attempt <= settings.getHullRetries(); attempt++) {
            if (attempt > 0) {
                if (System.nanoTime() + settings.getHullRetryDelay().toNanos() + timeout.toNanos() > giveUp) {
                    break;
                }
                sleep(settings.getHullRetryDelay());
            }
            try {
                firehose.send(entries, timeout);
                batch.forEach(p -> p.done().complete(null));
                return;
            } catch (HullUnavailableException e) {
                failure = e;
            } catch (RuntimeException e) {
                failure = e;
                break;
            }
        }
        RuntimeException cause = failure;
        batch.forEach(p -> p.done().completeExceptionally(cause));
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void destroy() {
        running = false;
        collector.interrupt();
        senders.shutdown();
    }
}
