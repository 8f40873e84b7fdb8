package io.hull.customerio.batch;

import io.hull.customerio.logging.DecisionLog;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Headers;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.http.HttpMethods;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One backfill from start to end, on a thread of {@link BatchJobs}: route {@code hull-batch-job}
 * (routes/hull-batch.yaml) fetches the extract and syncs it chunk by chunk; this records how the job ended
 * and logs it (outgoing.job.start, outgoing.job.success, outgoing.job.error).
 */
@Component("extractJobRunner")
public class ExtractJobRunner {

    private static final Logger log = LoggerFactory.getLogger(ExtractJobRunner.class);

    static final String JOB_ROUTE = "direct:hull-batch-job";

    private final ProducerTemplate producer;
    private final DecisionLog decisions;

    public ExtractJobRunner(ProducerTemplate producer, DecisionLog decisions) {
        this.producer = producer;
        this.decisions = decisions;
    }

    public void run(BatchJob job) {
        job.running();
        decisions.info("outgoing.job.start", null, Map.of("job_id", job.id(), "host", job.url().getHost()));
        try {
            producer.requestBody(JOB_ROUTE, job);
        } catch (CamelExecutionException e) {
            if (e.getCause() instanceof ExtractUnavailableException unavailable) {
                fail(job, unavailable.getMessage());
            } else {
                // Kafka unreachable, Hull refusing the write-back: the job ends as failed, with its counts so far.
                log.error("backfill job {} stopped by an unexpected error", job.id(), e.getCause());
                fail(job, "stopped by an unexpected error (the details are in the connector's log)");
            }
            return;
        }
        if (job.streamError() != null) {
            fail(job, job.streamError());
            return;
        }
        job.succeeded();
        decisions.info("outgoing.job.success", null, summary(job, null));
    }

    /**
     * Step extract-request: GET the job's extract. The URL goes whole in CamelHttpUri (its query is Hull's signature,
     * sent as it came): one endpoint serves every extract, where an endpoint per URL would be a client per job.
     */
    public void request(@ExchangeProperty(ExtractChunks.JOB) BatchJob job, @Headers Map<String, Object> headers) {
        headers.put(Exchange.HTTP_URI, job.url().toString());
        headers.put(Exchange.HTTP_METHOD, HttpMethods.GET);
    }

    /** Step check-extract-answer: only a 2xx is an extract (a redirect is an answer, never followed). */
    public void checkAnswer(@Header(Exchange.HTTP_RESPONSE_CODE) Integer status) throws ExtractUnavailableException {
        int code = status == null ? 0 : status;
        if (code / 100 != 2) {
            throw new ExtractUnavailableException("the extract was answered " + code
                    + (code / 100 == 3 ? " (redirects are not followed)" : ""));
        }
    }

    /** A queued job that will not run (the connector stops): it ends as failed, with the reason. */
    void notStarted(BatchJob job, String reason) {
        fail(job, reason);
    }

    private void fail(BatchJob job, String reason) {
        job.failed(reason);
        decisions.error("outgoing.job.error", null, summary(job, reason));
    }

    static Map<String, Object> summary(BatchJob job, String reason) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("job_id", job.id());
        details.putAll(job.counts());
        if (reason != null) {
            details.put("reason", reason);
        }
        return details;
    }
}
