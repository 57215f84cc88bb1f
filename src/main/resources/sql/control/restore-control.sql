-- Bring archived Failed items back into the live table so they can be replayed.
INSERT INTO DataPumpControl
       (DataPumpRecordId, ItemType, State, ClaimToken, ProcessorId, ClaimedAt, StateChangedAt, Attempts,
        LastErrorClass, LastError, CreatedAt)
SELECT a.DataPumpRecordId, a.ItemType, a.State, a.ClaimToken, a.ProcessorId, a.ClaimedAt, a.StateChangedAt,
       a.Attempts, a.LastErrorClass, a.LastError, a.CreatedAt
  FROM DataPumpControlArchive a
 WHERE a.State = 'Failed'
   AND a.DataPumpRecordId IN (:#recordIds)
