package io.datapump.failure;

/**
 * The pump could not authenticate to a biller's CIS: its credentials were refused (CisUnauthorized, permanent: every
 * item of the biller fails the same way until the secret or the registry row is fixed, then a replay of the group
 * delivers them), or the token endpoint could not be reached (CisTokenUnavailable, transient).
 */
public class CisAuthenticationException extends PumpFailure {

    private CisAuthenticationException(FailureKind kind, String errorClass, String message, Throwable cause) {
        super(kind, errorClass, message, null);
        initCause(cause);
    }

    public static CisAuthenticationException refused(String message, Throwable cause) {
        return new CisAuthenticationException(FailureKind.PERMANENT, "CisUnauthorized", message, cause);
    }

    public static CisAuthenticationException unavailable(String message, Throwable cause) {
        return new CisAuthenticationException(FailureKind.TRANSIENT, "CisTokenUnavailable", message, cause);
    }
}
