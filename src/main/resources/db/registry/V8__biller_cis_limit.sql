-- A biller's own CIS concurrency limit: its calls in flight at most, over all pump processes (CisSlot rows
-- 1..limit in its shard). NULL: the global datapump.cis.max-concurrent-per-biller.
ALTER TABLE Biller ADD CisMaxConcurrent INT NULL CONSTRAINT CK_Biller_CisMaxConcurrent CHECK (CisMaxConcurrent BETWEEN 1 AND 1000);
