package io.datapump.failure;

/** The biller's data-pump-v2 toggle is off: its items are not delivered by this pump. */
public class BillerDisabledException extends PermanentFailure {
    public BillerDisabledException(String billerId) {
        super("BillerDisabled", "biller '" + billerId + "' has the data pump disabled");
    }
}
