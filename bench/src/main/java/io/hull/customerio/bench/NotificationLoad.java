package io.hull.customerio.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Hull's smart notifier, closed loop: {@code parallel} senders each POST a notification of
 * {@code usersPerNotification} fresh users to {@code /smart-notifier}, wait for its answer and send
 * the next, until the time is up or the number of users is reached.
 */
final class NotificationLoad {

    /**
     * What the connector answered: notifications and users sent, answers by HTTP status; {@code builtWhileSending}:
     * notifications that had not been {@linkplain #prepare prepared} and were built during the run.
     */
    record Outcome(long notifications, long users, Map<Integer, Long> answers, Duration elapsed, long builtWhileSending) {
        boolean allAnswered200() {
            return answers.keySet().stream().allMatch(status -> status == 200);
        }
    }

    private final String connectorUrl;
    private final Notifications notifications;
    private final String siteId;
    private final int usersPerNotification;
    private final int parallel;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Queue<Notifications.Notification> prepared = new ConcurrentLinkedQueue<>();

    NotificationLoad(String connectorUrl, Notifications notifications, String siteId, int usersPerNotification, int parallel) {
        this.connectorUrl = connectorUrl;
        this.notifications = notifications;
        this.siteId = siteId;
        this.usersPerNotification = usersPerNotification;
        this.parallel = parallel;
    }

    /**
     * Builds and signs notifications now until {@code count} wait to be sent, for the next runs. The load generator
     * shares the cores with the connector, so a measured window should cost it the sending only, as the ceiling's
     * client only sends (it replays one prepared body). A run that outruns them builds the rest as it goes, and
     * says so in its {@link Outcome}.
     */
    void prepare(int count) {
        for (int missing = count - prepared.size(); missing > 0; missing--) {
            prepared.add(notifications.next(siteId, usersPerNotification));
        }
    }

    /** Sends for {@code duration}; notifications still on their way then are awaited but not started anew. */
    Outcome runFor(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        return run(() -> System.nanoTime() < until, users -> { });
    }

    /** Sends {@code users} users in all; {@code progress} hears the users answered so far after each answer. */
    Outcome runUsers(long users, LongConsumer progress) {
        AtomicLong claimed = new AtomicLong();
        return run(() -> claimed.addAndGet(usersPerNotification) <= users, progress);
    }

    /** {@code another}: asked before each notification whether to send it. */
    private Outcome run(BooleanSupplier another, LongConsumer progress) {
        LongAdder sent = new LongAdder();
        LongAdder built = new LongAdder();
        AtomicLong answeredUsers = new AtomicLong();
        Map<Integer, LongAdder> answers = new ConcurrentHashMap<>();
        ExecutorService senders = Executors.newFixedThreadPool(parallel);
        long start = System.nanoTime();
        for (int i = 0; i < parallel; i++) {
            senders.execute(() -> {
                while (another.getAsBoolean()) {
                    Notifications.Notification notification = prepared.poll();
                    if (notification == null) {
                        built.increment();
                        notification = notifications.next(siteId, usersPerNotification);
                    }
                    sent.increment();
                    int status = post(notification);
                    answers.computeIfAbsent(status, s -> new LongAdder()).increment();
                    progress.accept(answeredUsers.addAndGet(notification.users()));
                }
            });
        }
        senders.shutdown();
        try {
            if (!senders.awaitTermination(1, TimeUnit.HOURS)) {
                throw new IllegalStateException("notification senders did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Map<Integer, Long> byStatus = new TreeMap<>();
        answers.forEach((status, count) -> byStatus.put(status, count.sum()));
        return new Outcome(sent.sum(), sent.sum() * usersPerNotification, byStatus, Duration.ofNanos(System.nanoTime() - start), built.sum());
    }

    /** The answer's status, or -1 when there was none (connection refused, timeout). */
    private int post(Notifications.Notification notification) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(connectorUrl + "/smart-notifier"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("X-Hull-Smart-Notifier-Signature", notification.signature())
                .header("X-Hull-Smart-Notifier-Signature-Version", "v1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(notification.body()))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
