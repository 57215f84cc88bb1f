package io.datapump.control;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.datapump.shard.Shard;
import io.datapump.sql.SqlFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The only writer of a shard's {@code DataPumpClaimLock} row (sql/marker/): the lock every claim transaction takes
 * first, so claims on one shard run one at a time, and the biller's outstanding-message marker, so at most one
 * biller message per biller waits on the biller topic. The publisher takes the marker before it publishes; the
 * biller consumer releases it in its claim transaction, or holds it again (a new token) for a continuation.
 */
@Component
public class OutstandingMarkers {

    private static final Logger LOG = LoggerFactory.getLogger(OutstandingMarkers.class);

    /** First statement of a claim transaction: serialises claims on the shard until the transaction ends. */
    void lockForClaim(Shard shard, String claimToken) {
        shard.jdbc().update(SqlFiles.get("marker/claim-lock"), Map.of("claimToken", claimToken));
    }

    /** Whether a biller message holding the marker is still out (taken and within its lease). */
    public boolean live(Shard shard, Duration lease) {
        Integer live = shard.jdbc().queryForObject(SqlFiles.get("marker/outstanding-live"),
                Map.of("leaseSeconds", seconds(lease)), Integer.class);
        return live != null && live == 1;
    }

    /** The publisher takes the marker for the message it is about to publish; false when a live one is held. */
    public boolean take(Shard shard, String token, Duration lease) {
        return shard.jdbc().update(SqlFiles.get("marker/take-outstanding"),
                Map.of("token", token, "leaseSeconds", seconds(lease))) == 1;
    }

    /** A continuation or rerun message holds the marker now, whatever held it before. */
    public void hold(Shard shard, String token) {
        shard.jdbc().update(SqlFiles.get("marker/hold-outstanding"), Map.of("token", token));
    }

    /** The message holding the marker was consumed (or will not be acted on); in a claim transaction, or alone. */
    public void release(Shard shard, String token) {
        Map<String, Object> params = new HashMap<>();
        params.put("token", token);
        shard.jdbc().update(SqlFiles.get("marker/release-outstanding"), params);
    }

    /** Releases the marker where the message is not acted on; best effort (the marker expires with its lease). */
    public void releaseQuietly(Shard shard, String token) {
        if (token == null) {
            return;
        }
        try {
            release(shard, token);
        } catch (RuntimeException e) {
            LOG.debug("Marker of biller {} not released ({}); it expires with its lease", shard.billerId(),
                    e.toString());
        }
    }

    private static long seconds(Duration d) {
        return Math.max(1, d.toSeconds());
    }
}
