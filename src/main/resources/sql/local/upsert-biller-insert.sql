-- Local harness: add a registry row from datapump.local.billers.
INSERT INTO Biller (BillerId, Name, Lane, DataPumpV2Enabled, Paused, ShardJdbcUrl, CisBaseUrl, Mode, UpdatedAt)
VALUES (:#id, :#name, :#lane, :#enabled, :#paused, :#shardJdbcUrl, :#cisBaseUrl, :#mode, SYSUTCDATETIME())
