-- Item consumer claim of a directly published item that has no control row yet (live or archived): the control row
-- is created as Processing in one statement, keyed by the item's record id (from its SourceItemId). Zero rows means
-- the row exists already; the ordinary claim (start-processing) then decides. Two consumers racing: the primary key
-- lets one insert win.
INSERT INTO DataPumpControl
       (DataPumpRecordId, ItemType, State, ClaimToken, ProcessorId, ClaimedAt, StateChangedAt, Attempts, CreatedAt)
SELECT d.DataPumpRecordId, d.ItemType, 'Processing', :#attemptToken, :#processorId,
       SYSUTCDATETIME(), SYSUTCDATETIME(), 1, SYSUTCDATETIME()
  FROM DataPumpDirectItem d
 WHERE d.SourceItemId = :#sourceItemId
   AND NOT EXISTS (SELECT 1 FROM DataPumpControl c WHERE c.DataPumpRecordId = d.DataPumpRecordId)
   AND NOT EXISTS (SELECT 1 FROM DataPumpControlArchive a WHERE a.DataPumpRecordId = d.DataPumpRecordId)
