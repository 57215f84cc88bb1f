package io.datapump.failure;

import java.time.Duration;

/**
 * A biller's shard is reachable but set up so the pump cannot rely on it (e.g. its sessions run at SNAPSHOT
 * isolation): its work is deferred, not failed, and the shard is checked again after the back-off.
 */
public class ShardMisconfiguredException extends DeferredFailure {
    public ShardMisconfiguredException(String billerId, String reason, Duration retryIn) {
        super("ShardMisconfigured", retryIn, "the shard of biller " + billerId + " is kept out of service: " + reason
                + "; checked again in " + retryIn);
    }
}
