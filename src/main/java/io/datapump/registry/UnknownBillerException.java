package io.datapump.registry;

/** A message or request named a biller the registry does not have. */
public class UnknownBillerException extends RuntimeException {
    public UnknownBillerException(String billerId) {
        super("unknown biller '" + billerId + "'");
    }
}
