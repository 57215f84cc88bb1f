package io.datapump.registry;

import java.util.Locale;

/**
 * How a biller's work items reach the pump (registry column Biller.Mode). See docs/direct-publishing.md.
 */
public enum BillerMode {
    /** The source applications write DataPumpRecord rows; the publisher polls the shard. */
    ADAPTER,
    /** The source applications publish item messages to the item topics; the publisher skips it. */
    DIRECT;

    /** The lower-case name stored in the registry and shown by the status API. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BillerMode of(String id) {
        if (id == null || id.isBlank()) {
            return ADAPTER;
        }
        for (BillerMode mode : values()) {
            if (mode.id().equalsIgnoreCase(id.strip())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown biller mode '" + id + "' (expected adapter or direct)");
    }
}
