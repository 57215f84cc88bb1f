-- Local harness: add a registry row from datapump.local.billers.
INSERT INTO Biller (BillerId, Name, Lane, DataPumpV2Enabled, Paused, ShardJdbcUrl, CisBaseUrl, Mode,
                    CisAuth, CisSecretRef, CisAuthHeader, CisTokenUrl, CisClientId, CisScope, UpdatedAt)
VALUES (:#id, :#name, :#lane, :#enabled, :#paused, :#shardJdbcUrl, :#cisBaseUrl, :#mode,
        :#cisAuth, :#cisSecretRef, :#cisAuthHeader, :#cisTokenUrl, :#cisClientId, :#cisScope, SYSUTCDATETIME())
