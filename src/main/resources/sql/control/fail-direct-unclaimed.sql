-- A directly published item that fails for good before any delivery attempt created its control row (e.g. it
-- expired while deferred): the row is created as Failed with its reason, so the failure is listed and replayable
-- like any other. Zero rows when the row exists (fail-unclaimed / fail-processing decide then).
INSERT INTO DataPumpControl
       (DataPumpRecordId, ItemType, State, ClaimToken, ProcessorId, ClaimedAt, StateChangedAt, Attempts,
        LastErrorClass, LastError, CreatedAt)
SELECT d.DataPumpRecordId, d.ItemType, 'Failed', NULL, :#processorId, NULL, SYSUTCDATETIME(), 0,
       :#errorClass, :#error, SYSUTCDATETIME()
  FROM DataPumpDirectItem d
 WHERE d.SourceItemId = :#sourceItemId
   AND NOT EXISTS (SELECT 1 FROM DataPumpControl c WHERE c.DataPumpRecordId = d.DataPumpRecordId)
   AND NOT EXISTS (SELECT 1 FROM DataPumpControlArchive a WHERE a.DataPumpRecordId = d.DataPumpRecordId)
