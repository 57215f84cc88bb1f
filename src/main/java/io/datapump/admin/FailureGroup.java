package io.datapump.admin;

import java.time.Instant;

/** Failed items of one biller, item type and error class. */
public record FailureGroup(String billerId, String lane, String itemType, String errorClass, long count,
                           Instant firstSeen, Instant lastSeen) {
}
