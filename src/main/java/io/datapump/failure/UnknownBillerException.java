package io.datapump.failure;

/** A message or request named a biller the registry does not have. */
public class UnknownBillerException extends PermanentFailure {
    public UnknownBillerException(String billerId) {
        super("UnknownBiller", "unknown biller '" + billerId + "'");
    }
}
