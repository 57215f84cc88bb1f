package io.datapump.failure;

import java.time.Instant;

/** The message's kill date has passed: the work is not started. */
public class ExpiredException extends RuntimeException {
    public ExpiredException(String what, Instant deadline) {
        super(what + " passed its deadline " + deadline + " and was not started");
    }
}
