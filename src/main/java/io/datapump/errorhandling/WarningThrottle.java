package io.datapump.errorhandling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most one warning per key (a biller) per interval, for what happens once per item during an outage: the lines in
 * between go to DEBUG, and the next warning says how many there were.
 */
final class WarningThrottle {

    /** Not a warning: log at DEBUG. */
    static final int QUIET = -1;

    private final Duration every;
    private final Clock clock;
    private final Map<String, Warned> warned = new ConcurrentHashMap<>();

    private record Warned(Instant at, int quietSince) {
    }

    WarningThrottle(Duration every, Clock clock) {
        this.every = every;
        this.clock = clock;
    }

    /**
     * {@link #QUIET} if a warning for the key was written less than the interval ago (this one is counted); else the
     * number of lines logged at DEBUG since that warning, and this one is the warning.
     */
    int warn(String key) {
        Instant now = clock.instant();
        int[] quiet = {QUIET};
        warned.compute(key, (k, last) -> {
            if (last == null || !now.isBefore(last.at().plus(every))) {
                quiet[0] = last == null ? 0 : last.quietSince();
                return new Warned(now, 0);
            }
            return new Warned(last.at(), last.quietSince() + 1);
        });
        return quiet[0];
    }
}
