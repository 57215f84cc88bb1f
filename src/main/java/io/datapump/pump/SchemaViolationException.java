package io.datapump.pump;

/** An item message a source published directly does not match its published JSON Schema (permanent). */
public class SchemaViolationException extends RuntimeException {
    public SchemaViolationException(String message) {
        super(message);
    }
}
