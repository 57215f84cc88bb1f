-- The whole biller registry.
SELECT BillerId, Name, Lane, DataPumpV2Enabled, Paused, ShardJdbcUrl, CisBaseUrl, Mode,
       CisAuth, CisSecretRef, CisAuthHeader, CisTokenUrl, CisClientId, CisScope, CisMaxConcurrent
  FROM Biller
 ORDER BY BillerId
