-- Claim the work items unseen-ids found (still with no control record, live or archived) by inserting it as Fetched.
INSERT INTO DataPumpControl
       (DataPumpRecordId, ItemType, State, ClaimToken, ProcessorId, ClaimedAt, StateChangedAt, Attempts, CreatedAt)
SELECT r.DataPumpRecordId, r.ItemType, 'Fetched', :#claimToken, :#processorId,
       SYSUTCDATETIME(), SYSUTCDATETIME(), 0, SYSUTCDATETIME()
  FROM DataPumpRecord r
 WHERE r.DataPumpRecordId IN (:#recordIds)
   AND NOT EXISTS (SELECT 1 FROM DataPumpControl c WHERE c.DataPumpRecordId = r.DataPumpRecordId)
   AND NOT EXISTS (SELECT 1 FROM DataPumpControlArchive a WHERE a.DataPumpRecordId = r.DataPumpRecordId)
