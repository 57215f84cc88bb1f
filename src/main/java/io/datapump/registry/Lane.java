package io.datapump.registry;

import java.util.Locale;

/** Production and demo work never share a topic, a consumer pool or a scaling rule. */
public enum Lane {
    PRODUCTION, DEMO;

    /** The lower-case name used in topics, route ids, property keys and messages. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Lane of(String id) {
        for (Lane lane : values()) {
            if (lane.id().equalsIgnoreCase(id)) {
                return lane;
            }
        }
        throw new IllegalArgumentException("unknown lane '" + id + "' (expected production or demo)");
    }
}
