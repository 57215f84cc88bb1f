package io.datapump.pump;

/** Names of the exchange properties and message headers the routes and beans share. */
public final class DataPumpHeaders {

    /** Message headers (JMS properties / Service Bus application properties) for routing and filtering. */
    public static final String BILLER_ID = "DataPumpBillerId";
    public static final String LANE = "DataPumpLane";
    public static final String ITEM_TYPE = "DataPumpItemType";
    public static final String RECORD_ID = "DataPumpRecordId";

    /** Exchange properties. */
    public static final String ITEM = "DataPumpItem";
    public static final String CLAIM = "DataPumpClaim";
    public static final String CIS_URL = "DataPumpCisUrl";
    public static final String ATTEMPT_TOKEN = "DataPumpAttemptToken";
    public static final String ATTEMPT_STARTED = "DataPumpAttemptStarted";

    private DataPumpHeaders() {
    }
}
