-- Items queued for longer than any live message could have waited (past the kill date): their message was lost.
SELECT c.DataPumpRecordId, c.ItemType, c.Attempts, c.CreatedAt, c.StateChangedAt, r.SourceId
  FROM DataPumpControl c
  JOIN DataPumpRecord r ON r.DataPumpRecordId = c.DataPumpRecordId
 WHERE c.State = 'Queued'
   AND c.StateChangedAt < DATEADD(SECOND, -:#leaseSeconds, CURRENT_TIMESTAMP)
 ORDER BY c.DataPumpRecordId
OFFSET 0 ROWS FETCH NEXT :#limit ROWS ONLY
