-- Archive a bounded batch: copy up to :#limit control rows in :#state, unchanged since :#cutoff, under a batch token.
INSERT INTO DataPumpControlArchive
       (DataPumpRecordId, ItemType, State, ClaimToken, ProcessorId, ClaimedAt, StateChangedAt, Attempts,
        LastErrorClass, LastError, CreatedAt, ArchivedAt, ArchiveBatch)
SELECT c.DataPumpRecordId, c.ItemType, c.State, c.ClaimToken, c.ProcessorId, c.ClaimedAt, c.StateChangedAt,
       c.Attempts, c.LastErrorClass, c.LastError, c.CreatedAt, SYSUTCDATETIME(), :#batch
  FROM DataPumpControl c
 WHERE c.State = :#state
   AND c.StateChangedAt < :#cutoff
 ORDER BY c.DataPumpRecordId
OFFSET 0 ROWS FETCH NEXT :#limit ROWS ONLY
