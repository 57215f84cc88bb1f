-- Local harness: whether a shard already holds work items (demo data is created only for a new shard).
SELECT COUNT(*) FROM DataPumpRecord
