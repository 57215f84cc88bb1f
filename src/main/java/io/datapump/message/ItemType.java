package io.datapump.message;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The kinds of work item the pump delivers. {@code code} is the value in DataPumpRecord.ItemType as the source
 * applications write it; {@code key} names the item's topic, routes, properties and enrichment SQL; {@code cisPath}
 * is appended to the biller's CIS base URL.
 */
public enum ItemType {
    PAYMENT("Payment", "payment", "payments",
            List.of("paymentId", "amount", "currency", "paymentMethod", "accountNumber")),
    PAPERLESS_REGISTRATION("PaperlessRegistration", "paperless-registration", "paperless-registrations",
            List.of("paperlessRegistrationId", "email", "enrolled", "accountNumber"));

    private final String code;
    private final String key;
    private final String cisPath;
    private final List<String> requiredFields;

    ItemType(String code, String key, String cisPath, List<String> requiredFields) {
        this.code = code;
        this.key = key;
        this.cisPath = cisPath;
        this.requiredFields = requiredFields;
    }

    /** Fields of the CIS request's data that must not be null (see docs/cis-api.md). */
    public List<String> requiredFields() { return requiredFields; }

    public String code() { return code; }
    public String key() { return key; }
    public String cisPath() { return cisPath; }

    /** The SQL file that loads everything the CIS needs for one item of this type. */
    public String enrichmentSql() {
        return "itemconsumer/enrich-" + key;
    }

    public static Optional<ItemType> fromKey(String key) {
        return Arrays.stream(values()).filter(t -> t.key.equals(key)).findFirst();
    }

    public static Optional<ItemType> fromCode(String code) {
        return Arrays.stream(values()).filter(t -> t.code.equals(code)).findFirst();
    }
}
