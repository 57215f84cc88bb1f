package io.datapump.message;

/** Names of the exchange properties and message headers the routes and beans share. */
public final class DataPumpHeaders {

    /** Message headers (JMS properties / Service Bus application properties) for routing and filtering. */
    public static final String BILLER_ID = "DataPumpBillerId";
    public static final String LANE = "DataPumpLane";
    public static final String ITEM_TYPE = "DataPumpItemType";
    public static final String RECORD_ID = "DataPumpRecordId";
    /** On a redriven item message: the attempt whose failure could not be recorded, which still holds the row. */
    public static final String RESUMES_ATTEMPT = "DataPumpResumesAttempt";

    /** Failure headers on a dead-lettered message. */
    public static final String FAILURE_CLASS = "DataPumpFailureClass";
    public static final String FAILURE_KIND = "DataPumpFailureKind";
    public static final String FAILURE_CAUSE = "DataPumpFailureCause";
    public static final String FAILURE_MESSAGE = "DataPumpFailureMessage";
    public static final String FAILURE_HTTP_STATUS = "DataPumpFailureHttpStatus";
    public static final String FAILURE_ROUTE = "DataPumpFailureRouteId";
    public static final String FAILURE_ATTEMPTS = "DataPumpFailureAttempts";
    public static final String FAILURE_FIRST_AT = "DataPumpFailureFirstAt";
    public static final String FAILURE_LAST_AT = "DataPumpFailureLastAt";

    /** Exchange properties. */
    public static final String ROUTE_LANE = "DataPumpRouteLane";
    public static final String BILLER_MESSAGE = "DataPumpBillerMessage";
    public static final String PUBLISH_URI = "DataPumpPublishUri";
    public static final String DEAD_LETTER_URI = "DataPumpDeadLetterUri";
    public static final String EXHAUSTED = "DataPumpRetriesExhausted";
    public static final String CLAIM = "DataPumpClaim";
    public static final String CIS_URL = "DataPumpCisUrl";
    public static final String ATTEMPT_TOKEN = "DataPumpAttemptToken";
    /**
     * The attempt token of a processing claim whose answer has not come back (its connection broke): the claim may
     * have been written, so its retry claims with the same token, and a row already held by it is its own.
     */
    public static final String CLAIMING_ATTEMPT = "DataPumpClaimingAttempt";
    public static final String ATTEMPT_STARTED = "DataPumpAttemptStarted";

    private DataPumpHeaders() {
    }
}
