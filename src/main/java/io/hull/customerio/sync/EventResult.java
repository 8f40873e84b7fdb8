package io.hull.customerio.sync;

/** How one event ended: sent, skipped (with why), refused for good, or to be retried with the notification ({@code code}: why). */
public record EventResult(String name, Outcome outcome, String detail, String code) {

    public enum Outcome { SENT, SKIPPED, FAILED, RETRY }
}
