package io.hull.customerio.batch;

import io.hull.customerio.config.HullProperties;
import io.hull.customerio.http.RequestRejectedException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import io.hull.customerio.connectors.ConnectorSettings;
import io.hull.customerio.connectors.HullConnector;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The backfill jobs of this process: started on a small bounded pool ({@code hull.batch.max-running-jobs},
 * {@code max-queued-jobs}), and remembered for {@code GET /batch/{id}} until
 * {@code finished-jobs-kept} newer jobs have finished. Jobs live in memory: a restart loses them
 * (Hull's extract URL expires anyway; the user pushes the segment again).
 */
@Component("batchJobs")
public class BatchJobs implements DisposableBean {

    private final HullProperties.Batch settings;
    private final ExtractJobRunner runner;
    private final ExtractFetch fetch;
    private final ThreadPoolExecutor executor;
    private final ApplicationContext context;
    private final Map<String, BatchJob> jobs = new LinkedHashMap<>();

    public BatchJobs(HullProperties hull, ExtractJobRunner runner, ExtractFetch fetch, MeterRegistry meters,
                     ApplicationContext context) {
        this.context = context;
        this.settings = hull.getBatch();
        this.runner = runner;
        this.fetch = fetch;
        int running = Math.max(1, settings.getMaxRunningJobs());
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(running, running, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(Math.max(1, settings.getMaxQueuedJobs())),
                task -> new Thread(task, "hull-batch-" + threads.incrementAndGet()));
        Gauge.builder("hull.connector.batch.jobs", executor, ThreadPoolExecutor::getActiveCount)
                .description("Backfill jobs running now").tag("state", "running").register(meters);
        Gauge.builder("hull.connector.batch.jobs", executor, e -> e.getQueue().size())
                .description("Backfill jobs waiting to run").tag("state", "queued").register(meters);
    }

    /** Queues the job and answers 202 {@code {"job_id": ...}} at once; 503 when the queue is full. */
    public Map<String, Object> start(BatchRequest request, Exchange exchange) {
        BatchJob job = new BatchJob(UUID.randomUUID().toString(), request.url(), request.accounts(),
                exchange.getProperty(ConnectorSettings.CONNECTOR, HullConnector.class));
        remember(job);
        try {
            executor.execute(new Run(job));
        } catch (RejectedExecutionException e) {
            synchronized (jobs) {
                jobs.remove(job.id());
            }
            if (executor.isShutdown()) {
                throw new RequestRejectedException(503, "stopping", "the connector is stopping; send the batch again later");
            }
            throw new RequestRejectedException(503, "too_many_jobs",
                    "too many batch jobs are running or waiting; send the batch again later");
        }
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        return Map.of("job_id", job.id());
    }

    public Map<String, Object> status(@Header("jobId") String jobId) {
        BatchJob job;
        synchronized (jobs) {
            job = jobs.get(jobId);
        }
        if (job == null) {
            throw new RequestRejectedException(404, "unknown_job", "no batch job with this id (finished jobs are kept for a while only)");
        }
        return job.status();
    }

    private void remember(BatchJob job) {
        synchronized (jobs) {
            jobs.put(job.id(), job);
            long finished = jobs.values().stream().filter(BatchJob::finished).count();
            for (Iterator<BatchJob> oldest = jobs.values().iterator(); finished > settings.getFinishedJobsKept() && oldest.hasNext(); ) {
                if (oldest.next().finished()) {
                    oldest.remove();
                    finished--;
                }
            }
        }
    }

    /**
     * The application stops (before Camel does): no job starts any more, the queued ones end as failed, and the
     * extracts being read are aborted, so each running job syncs the chunk it holds and ends. Camel's graceful
     * shutdown, which waits for the jobs' exchanges, then has nothing left to wait for.
     */
    @EventListener
    public void onClose(ContextClosedEvent event) {
        if (event.getApplicationContext() != context) {
            return; // a child context (e.g. actuator on its own port)
        }
        executor.shutdown();
        List<Runnable> queued = new ArrayList<>();
        executor.getQueue().drainTo(queued);
        for (Runnable task : queued) {
            if (task instanceof Run run) {
                runner.notStarted(run.job(), "the connector stopped before the job started");
            }
        }
        fetch.abortAll();
    }

    @Override
    public void destroy() {
        // the jobs still running (a chunk that outlived Camel's shutdown timeout) are interrupted
        fetch.abortAll();
        executor.shutdownNow();
    }

    /** A job on the pool; when the application stops, the queued ones are taken back and ended. */
    private final class Run implements Runnable {
        private final BatchJob job;

        Run(BatchJob job) {
            this.job = job;
        }

        BatchJob job() {
            return job;
        }

        @Override
        public void run() {
            runner.run(job);
        }
    }
}
