package io.datapump.roles;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which parts of the pump this process runs. One image, three roles (plus {@code migrate}), chosen by configuration:
 * {@code datapump.roles} (env DATAPUMP_ROLES) and {@code datapump.lanes} (env DATAPUMP_LANES). The local default
 * runs everything. From these, the route switches {@code datapump.run.*} are derived (see {@link #switches()}).
 */
public record Roles(List<String> roles, List<String> lanes) {

    public static final List<String> ALL_ROLES = List.of("publisher", "biller-consumer", "item-consumer", "migrate");
    public static final List<String> ALL_LANES = List.of("production", "demo");

    /** Parses the comma lists, failing with a message that says what is allowed. */
    public static Roles parse(String roles, String lanes) {
        List<String> r = split(roles);
        List<String> l = split(lanes);
        for (String role : r) {
            if (!ALL_ROLES.contains(role)) {
                throw new IllegalArgumentException("datapump.roles contains '" + role + "'; allowed: " + ALL_ROLES);
            }
        }
        for (String lane : l) {
            if (!ALL_LANES.contains(lane)) {
                throw new IllegalArgumentException("datapump.lanes contains '" + lane + "'; allowed: " + ALL_LANES);
            }
        }
        if (r.isEmpty()) {
            throw new IllegalArgumentException("datapump.roles is empty; give at least one of " + ALL_ROLES);
        }
        if (r.contains("migrate") && r.size() > 1) {
            throw new IllegalArgumentException("datapump.roles=migrate runs alone (it migrates and exits), not with "
                    + r.stream().filter(x -> !x.equals("migrate")).toList());
        }
        return new Roles(r, l.isEmpty() ? ALL_LANES : l);
    }

    public boolean runs(String role) {
        return roles.contains(role);
    }

    /**
     * The switches routes start by: {@code datapump.run.publisher}, {@code datapump.run.maintenance} (sweeper and
     * archiver, with the publisher: one replica is enough), {@code datapump.run.biller-consumer.<lane>},
     * {@code datapump.run.item-consumer.<lane>} and {@code datapump.run.migrate}.
     */
    public Map<String, Object> switches() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("datapump.run.publisher", runs("publisher"));
        s.put("datapump.run.maintenance", runs("publisher"));
        s.put("datapump.run.migrate", runs("migrate"));
        for (String lane : ALL_LANES) {
            s.put("datapump.run.biller-consumer." + lane, runs("biller-consumer") && lanes.contains(lane));
            s.put("datapump.run.item-consumer." + lane, runs("item-consumer") && lanes.contains(lane));
        }
        return s;
    }

    private static List<String> split(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT)).distinct().toList();
    }
}
