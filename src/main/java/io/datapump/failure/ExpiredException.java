package io.datapump.failure;

import java.time.Instant;

/** The message's kill date has passed: the work is not started. */
public class ExpiredException extends PermanentFailure {
    public ExpiredException(String what, Instant deadline) {
        super("Expired", what + " passed its deadline " + deadline + " and was not started");
    }
}
