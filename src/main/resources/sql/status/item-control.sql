-- One item's control row, live or archived (the archive holds it once its retention passed).
SELECT c.DataPumpRecordId, c.ItemType, c.State, c.ProcessorId, c.ClaimedAt, c.StateChangedAt, c.Attempts,
       c.LastErrorClass, c.LastError, c.CreatedAt, CAST(NULL AS DATETIME2) AS ArchivedAt
  FROM DataPumpControl c
 WHERE c.DataPumpRecordId = :#recordId
UNION ALL
SELECT a.DataPumpRecordId, a.ItemType, a.State, a.ProcessorId, a.ClaimedAt, a.StateChangedAt, a.Attempts,
       a.LastErrorClass, a.LastError, a.CreatedAt, a.ArchivedAt
  FROM DataPumpControlArchive a
 WHERE a.DataPumpRecordId = :#recordId
