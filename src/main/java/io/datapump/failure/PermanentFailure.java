package io.datapump.failure;

/** Will fail the same way every time: no retries, the item goes straight to Failed and the dead-letter queue. */
public class PermanentFailure extends PumpFailure {

    public PermanentFailure(String errorClass, String message) {
        super(FailureKind.PERMANENT, errorClass, message, null);
    }
}
