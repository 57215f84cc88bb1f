package io.datapump.failure;

/** The biller's data-pump-v2 toggle is off: its items are not delivered by this pump. */
public class BillerDisabledException extends RuntimeException {
    public BillerDisabledException(String billerId) {
        super("biller '" + billerId + "' has the data pump disabled");
    }
}
