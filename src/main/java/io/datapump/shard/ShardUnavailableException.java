package io.datapump.shard;

import java.time.Duration;

import io.datapump.failure.DeferredException;

/**
 * A biller's shard could not be connected to recently: its work is deferred (no retry spent) for the rest of the
 * back-off instead of every caller waiting on the pool's connection timeout.
 */
public class ShardUnavailableException extends DeferredException {
    public ShardUnavailableException(String billerId, Duration retryIn) {
        super("ShardUnavailable", retryIn, "the shard of biller " + billerId + " is unreachable; next try in " + retryIn);
    }
}
