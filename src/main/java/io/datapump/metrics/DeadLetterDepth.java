package io.datapump.metrics;

import java.util.OptionalLong;

/** How many messages wait on a lane's dead-letter queue. */
public interface DeadLetterDepth {

    /** The depth of the lane's dead-letter queue, or empty when it cannot be read now. */
    OptionalLong depth(String lane);
}
