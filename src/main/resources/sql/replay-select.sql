-- One page of Failed items matching a replay selection (optional filters are NULL when not given).
SELECT c.DataPumpRecordId, c.ItemType, c.LastErrorClass, c.StateChangedAt, r.SourceId
  FROM DataPumpControl c
  JOIN DataPumpRecord r ON r.DataPumpRecordId = c.DataPumpRecordId
 WHERE c.State = 'Failed'
   AND c.DataPumpRecordId > :#afterId
   AND (CAST(:#itemType AS NVARCHAR(50)) IS NULL OR c.ItemType = :#itemType)
   AND (CAST(:#errorClass AS NVARCHAR(200)) IS NULL OR c.LastErrorClass = :#errorClass)
   AND (CAST(:#failedFrom AS DATETIME2) IS NULL OR c.StateChangedAt >= :#failedFrom)
   AND (CAST(:#failedTo AS DATETIME2) IS NULL OR c.StateChangedAt < :#failedTo)
 ORDER BY c.DataPumpRecordId
OFFSET 0 ROWS FETCH NEXT :#limit ROWS ONLY
