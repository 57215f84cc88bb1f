package io.datapump.recovery;

import java.time.Duration;

import io.datapump.DataPumpProperties;

/**
 * The sweeper's leases must outlast the longest legitimate wait, or a live item would be re-driven:
 * <ul>
 * <li>processing-lease &gt; (1 + retry.immediate.attempts) x (cis.connect-timeout + cis.response-timeout) + the
 * immediate backoffs: the longest an attempt sequence holds a row in Processing;</li>
 * <li>queued-lease &gt; the longest kill-after + retry.delayed.max-delay: the longest a live message can wait.</li>
 * </ul>
 * Violations stop the start with a message that says what to change.
 */
final class LeaseCheck {

    private LeaseCheck() {
    }

    static void verify(DataPumpProperties p) {
        DataPumpProperties.Backoff immediate = p.getRetry().getImmediate();
        Duration backoffs = Duration.ZERO;
        for (int i = 1; i <= immediate.getAttempts(); i++) {
            backoffs = backoffs.plus(immediate.delayBefore(i));
        }
        Duration longestAttempt = Duration.ofMillis((long) (1 + immediate.getAttempts())
                * (p.getCis().getConnectTimeout() + p.getCis().getResponseTimeout())).plus(backoffs);
        Duration processing = p.getSweeper().getProcessingLease();
        if (processing.compareTo(longestAttempt) <= 0) {
            throw new IllegalStateException("datapump.sweeper.processing-lease (" + processing + ") must be longer than "
                    + "the longest in-process attempt sequence, " + longestAttempt + " = (1 + retry.immediate.attempts) x "
                    + "(cis.connect-timeout + cis.response-timeout) + the immediate backoffs");
        }
        Duration killAfter = p.getKillAfter().getProduction().compareTo(p.getKillAfter().getDemo()) >= 0
                ? p.getKillAfter().getProduction() : p.getKillAfter().getDemo();
        Duration longestWait = killAfter.plus(p.getRetry().getDelayed().getMaxDelay());
        Duration queued = p.getSweeper().getQueuedLease();
        if (queued.compareTo(longestWait) <= 0) {
            throw new IllegalStateException("datapump.sweeper.queued-lease (" + queued + ") must be longer than the "
                    + "longest kill-after plus retry.delayed.max-delay (" + longestWait + ")");
        }
    }
}
