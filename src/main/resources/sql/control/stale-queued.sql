-- Items queued for longer than any live message could have waited (past the kill date): their message was lost.
-- Adapter items take their source id from DataPumpRecord, directly published ones from DataPumpDirectItem.
SELECT c.DataPumpRecordId, c.ItemType, c.Attempts, c.CreatedAt, c.StateChangedAt, COALESCE(r.SourceId, d.SourceId) AS SourceId
  FROM DataPumpControl c
  LEFT JOIN DataPumpRecord r ON r.DataPumpRecordId = c.DataPumpRecordId
  LEFT JOIN DataPumpDirectItem d ON d.DataPumpRecordId = c.DataPumpRecordId
 WHERE (r.DataPumpRecordId IS NOT NULL OR d.DataPumpRecordId IS NOT NULL)
   AND c.State = 'Queued'
   AND c.StateChangedAt < DATEADD(SECOND, -:#leaseSeconds, SYSUTCDATETIME())
 ORDER BY c.DataPumpRecordId
OFFSET 0 ROWS FETCH NEXT :#limit ROWS ONLY
