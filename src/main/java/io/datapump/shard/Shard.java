package io.datapump.shard;

import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** One biller's database: a bounded pool, named-parameter JDBC with a query timeout, and transactions. */
public record Shard(String billerId, NamedParameterJdbcTemplate jdbc, TransactionTemplate tx) {
}
