package io.datapump.failure;

/** An item message a source published directly does not match its published JSON Schema. */
public class SchemaViolationException extends PermanentFailure {
    public SchemaViolationException(String message) {
        super("SchemaViolation", message);
    }
}
