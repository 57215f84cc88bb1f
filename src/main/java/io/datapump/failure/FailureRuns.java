package io.datapump.failure;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs of failures in a row, per key (a biller, a route), for what fails every cycle while something is down: only
 * the first failure of a run is worth a warning, and the end of a run is said once, with its length.
 */
public final class FailureRuns {

    private final Map<String, Integer> failing = new ConcurrentHashMap<>();

    /** Counts a failure of the key; true when it starts a run (the one to warn about). */
    public boolean failed(String key) {
        return failing.merge(key, 1, Integer::sum) == 1;
    }

    /** The key worked: ends its run and returns how many failures it had, 0 when there was none. */
    public int ended(String key) {
        Integer failures = key == null ? null : failing.remove(key);
        return failures == null ? 0 : failures;
    }
}
