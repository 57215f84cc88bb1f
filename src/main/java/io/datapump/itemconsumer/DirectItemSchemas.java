package io.datapump.itemconsumer;

import io.datapump.failure.SchemaViolationException;
import io.datapump.message.ItemType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import org.springframework.stereotype.Component;

/**
 * Checks item messages that source applications publish directly against the published contract,
 * {@code src/main/resources/schemas/<item>.schema.json}, before anything else reads them ({@link Admission}). A message is a direct one
 * when it carries {@code sourceItemId} and no pump-assigned {@code recordId}; the pump's own item messages (claimed
 * from DataPumpRecord rows, retries, replays) are not checked here, so the adapter path is unchanged.
 */
@Component("directItemSchemas")
public class DirectItemSchemas {

    private static final int MAX_REPORTED = 5;

    private final ObjectMapper json;
    private final Map<ItemType, Schema> schemas = new EnumMap<>(ItemType.class);

    public DirectItemSchemas(ObjectMapper json) {
        this.json = json;
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        for (ItemType type : ItemType.values()) {
            try (InputStream in = DirectItemSchemas.class.getResourceAsStream(resource(type))) {
                if (in == null) {
                    throw new IllegalStateException("missing schema " + resource(type));
                }
                schemas.put(type, registry.getSchema(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                        com.networknt.schema.InputFormat.JSON));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The classpath location of an item type's schema. */
    public static String resource(ItemType type) {
        return "/schemas/" + type.key() + ".schema.json";
    }

    /**
     * Validates a direct item message (the caller has checked {@link #isDirect}) against its item type's schema.
     */
    public void check(JsonNode message, ItemType type) {
        List<Error> errors = schemas.get(type).validate(message);
        if (!errors.isEmpty()) {
            String problems = errors.stream().limit(MAX_REPORTED)
                    .map(e -> location(e) + ": " + e.getMessage()).collect(Collectors.joining("; "));
            throw new SchemaViolationException("directly published " + type.code() + " item "
                    + text(message, "sourceItemId") + " of biller " + text(message, "billerId") + " does not match "
                    + "schemas/" + type.key() + ".schema.json (" + errors.size() + " problem(s)): " + problems);
        }
    }

    /** The same check on a message body as read off a queue; a body that is not JSON is a MalformedMessage. */
    public void check(String body, ItemType type) throws IOException {
        JsonNode message = json.readTree(body == null ? "" : body);
        if (isDirect(message)) {
            check(message, type);
        }
    }

    /** A source's message: it names its own identity and has no record id from the pump. */
    public static boolean isDirect(JsonNode message) {
        if (message == null || !message.isObject() || !message.hasNonNull("sourceItemId")) {
            return false;
        }
        JsonNode recordId = message.get("recordId");
        return recordId == null || recordId.isNull() || (recordId.canConvertToLong() && recordId.asLong() == 0);
    }

    private static String location(Error error) {
        String at = String.valueOf(error.getInstanceLocation());
        return at.isEmpty() ? "(message)" : at;
    }

    private static String text(JsonNode message, String field) {
        JsonNode value = message.get(field);
        return value == null || value.isNull() ? "(none)" : "'" + value.asText() + "'";
    }
}
