package io.hull.customerio.webhook;

import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.hull.HullUnavailableException;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * When a firehose request of webhooks' track calls fails: whether it is tried again. Route configuration
 * {@code hull-track-retries} runs it as {@code onExceptionOccurred}, right after each failure and before Camel's
 * redelivery asks {@code retryWhile} (which reads {@value #RETRY_PROPERTY}) and reads the delay from the
 * {@code CamelRedeliveryDelay} header set here.
 *
 * <p>The rule: Hull's 429, 5xx, timeouts and network failures ({@link HullUnavailableException}) are tried again
 * {@code customerio.webhook.hull-retries} times after {@code hull-retry-delay}, but only when the attempt
 * ({@code hull-timeout}) could end before the first webhook of the batch stops waiting ({@code answer-timeout}).
 * Hull refusing (other 4xx) and anything unforeseen are not tried again.
 */
@Component("hullTrackRetryRule")
public class HullTrackRetryRule implements Processor {

    /** Exchange property: whether the failed request is tried again ({@code retryWhile} of hull-track-retries). */
    public static final String RETRY_PROPERTY = "hullTrackRetry";

    private final CustomerIoProperties.Webhook settings;

    public HullTrackRetryRule(CustomerIoProperties customerIo) {
        this.settings = customerIo.getWebhook();
    }

    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(RETRY_PROPERTY, false);
        if (!(exchange.getException() instanceof HullUnavailableException)) {
            return;
        }
        int failures = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
        if (failures > settings.getHullRetries()) {
            return;
        }
        @SuppressWarnings("unchecked")
        List<HullTrackTickets.Ticket> batch = exchange.getProperty(HullTrackTickets.BATCH_PROPERTY, List.class);
        long delay = settings.getHullRetryDelay().toNanos();
        if (System.nanoTime() + delay + settings.getHullTimeout().toNanos() > HullTrackTickets.giveUpNanos(batch)) {
            return;
        }
        exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, settings.getHullRetryDelay().toMillis());
        exchange.setProperty(RETRY_PROPERTY, true);
    }
}
