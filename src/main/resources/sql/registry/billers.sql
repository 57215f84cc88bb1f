-- The whole biller registry.
SELECT BillerId, Name, Lane, DataPumpV2Enabled, Paused, ShardJdbcUrl, CisBaseUrl, Mode
  FROM Biller
 ORDER BY BillerId
