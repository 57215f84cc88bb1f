-- Local harness: refresh a registry row from datapump.local.billers.
UPDATE Biller
   SET Name = :#name, Lane = :#lane, DataPumpV2Enabled = :#enabled, Paused = :#paused,
       ShardJdbcUrl = :#shardJdbcUrl, CisBaseUrl = :#cisBaseUrl, Mode = :#mode,
       CisAuth = :#cisAuth, CisSecretRef = :#cisSecretRef, CisAuthHeader = :#cisAuthHeader,
       CisTokenUrl = :#cisTokenUrl, CisClientId = :#cisClientId, CisScope = :#cisScope, UpdatedAt = SYSUTCDATETIME()
 WHERE BillerId = :#id
