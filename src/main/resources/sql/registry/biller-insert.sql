-- An operator onboards a biller (its shard's pump tables were migrated first); not paused.
INSERT INTO Biller (BillerId, Name, Lane, DataPumpV2Enabled, Paused, ShardJdbcUrl, CisBaseUrl, Mode,
                    CisAuth, CisSecretRef, CisAuthHeader, CisTokenUrl, CisClientId, CisScope, CisMaxConcurrent,
                    UpdatedAt)
VALUES (:#billerId, :#name, :#lane, :#enabled, :#paused, :#shardJdbcUrl, :#cisBaseUrl, :#mode,
        :#cisAuth, :#cisSecretRef, :#cisAuthHeader, :#cisTokenUrl, :#cisClientId, :#cisScope, :#cisMaxConcurrent,
        SYSUTCDATETIME())
