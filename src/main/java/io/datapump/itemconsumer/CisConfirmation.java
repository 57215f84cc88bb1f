package io.datapump.itemconsumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The confirmation id a CIS puts in its answer to an accepted item: a top-level text or number field of a JSON
 * object body (its name is {@code datapump.cis.confirmation-field}). Anything else — no body, not JSON, no such
 * field, an answer too large to be a confirmation — has none; a success never fails for it.
 */
public final class CisConfirmation {

    /** Larger answers are not read for a confirmation id. */
    static final int MAX_BODY = 64 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private CisConfirmation() {
    }

    public static String from(String body, String field) {
        if (body == null || field == null || field.isBlank() || body.length() > MAX_BODY
                || !body.stripLeading().startsWith("{")) {
            return null;
        }
        try {
            JsonNode value = JSON.readTree(body).get(field);
            if (value == null || !(value.isTextual() || value.isNumber())) {
                return null;
            }
            String id = value.asText().strip();
            return id.isEmpty() ? null : id;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
