package io.datapump.failure;

import java.time.Duration;


/**
 * A biller's shard could not be connected to recently: its work is deferred (no retry spent) for the rest of the
 * back-off instead of every caller waiting on the pool's connection timeout.
 */
public class ShardUnavailableException extends DeferredFailure {
    public ShardUnavailableException(String billerId, Duration retryIn) {
        super("ShardUnavailable", retryIn, "the shard of biller " + billerId + " is unreachable; next try in " + retryIn);
    }
}
