package io.datapump.local;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

import io.datapump.message.ItemType;
import io.datapump.shard.Shard;
import io.datapump.sql.SqlFiles;

import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;

/**
 * Writes work items the way the source applications do: a customer and account, the source row (payment or
 * paperless registration) and its DataPumpRecord. Local harness only.
 */
public final class SourceRows {

    private static final List<String> FIRST = List.of("Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald",
            "Frances", "Ken", "Margaret", "Tim", "Radia", "Linus");
    private static final List<String> LAST = List.of("Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth",
            "Allen", "Thompson", "Hamilton", "Berners-Lee", "Perlman", "Torvalds");
    private static final List<String> TEST_CARDS = List.of("4111111111111111", "5555555555554444", "378282246310005");

    private SourceRows() {
    }

    /** Inserts one work item of the given type with its source rows, in one transaction. Returns its record id. */
    public static long insert(Shard shard, ItemType type) {
        return Objects.requireNonNull(shard.tx().execute(status -> insertWorkItem(shard, type.code(),
                insertSourceRow(shard, type))));
    }

    /**
     * Inserts the source rows of one item (customer, account, payment or registration) but no DataPumpRecord, as a
     * source application that publishes directly does, in one transaction. Returns the source row's id.
     */
    public static long insertSourceRow(Shard shard, ItemType type) {
        return Objects.requireNonNull(shard.tx().execute(status -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            String first = FIRST.get(random.nextInt(FIRST.size()));
            String last = LAST.get(random.nextInt(LAST.size()));
            Timestamp now = Timestamp.from(Instant.now());
            String email = (first + "." + last + random.nextInt(10_000) + "@example.com").toLowerCase();

            long customerId = insert(shard, "local/insert-customer", Map.of(
                    "firstName", first, "lastName", last, "email", email, "createdAt", now), "CustomerId");
            long accountId = insert(shard, "local/insert-account", Map.of(
                    "customerId", customerId,
                    "accountNumber", String.valueOf(1_000_000_000L + random.nextLong(8_999_999_999L)),
                    "serviceAddress", (random.nextInt(999) + 1) + " Main Street",
                    "createdAt", now), "AccountId");
            long sourceId = switch (type) {
                case PAYMENT -> insertPayment(shard, accountId, now, random);
                case PAPERLESS_REGISTRATION -> insert(shard, "local/insert-paperless-registration", Map.of(
                        "accountId", accountId, "email", email, "enrolled", random.nextInt(10) > 0,
                        "registeredAt", now), "PaperlessRegistrationId");
            };
            return sourceId;
        }));
    }

    /** Inserts a DataPumpRecord row as a source application would. */
    public static long insertWorkItem(Shard shard, String itemTypeCode, long sourceId) {
        return insert(shard, "local/insert-work-item", Map.of(
                "itemType", itemTypeCode, "sourceId", sourceId, "createdAt", Timestamp.from(Instant.now())),
                "DataPumpRecordId");
    }

    private static long insertPayment(Shard shard, long accountId, Timestamp now, ThreadLocalRandom random) {
        boolean card = random.nextBoolean();
        Map<String, Object> p = new HashMap<>();
        p.put("accountId", accountId);
        p.put("amount", BigDecimal.valueOf(random.nextLong(500, 50_000)).divide(BigDecimal.valueOf(100), 2,
                RoundingMode.UNNECESSARY));
        p.put("currency", "USD");
        p.put("paymentMethod", card ? "Card" : "Bank");
        p.put("cardNumber", card ? TEST_CARDS.get(random.nextInt(TEST_CARDS.size())) : null);
        p.put("bankAccountNumber", card ? null : String.valueOf(100_000_000_000L + random.nextLong(899_999_999_999L)));
        p.put("bankRoutingNumber", card ? null : "021000021");
        p.put("paidAt", now);
        p.put("createdAt", now);
        return insert(shard, "local/insert-payment", p, "PaymentId");
    }

    private static long insert(Shard shard, String sql, Map<String, ?> params, String keyColumn) {
        KeyHolder keys = new GeneratedKeyHolder();
        shard.jdbc().update(SqlFiles.get(sql), new MapSqlParameterSource(params), keys, new String[] {keyColumn});
        return Objects.requireNonNull(keys.getKey(), "no generated key for " + sql).longValue();
    }
}
