-- One page of Failed items matching a replay selection (optional filters are NULL when not given).
-- Adapter items take their source id from DataPumpRecord, directly published ones from DataPumpDirectItem.
SELECT c.DataPumpRecordId, c.ItemType, c.LastErrorClass, c.StateChangedAt, COALESCE(r.SourceId, d.SourceId) AS SourceId
  FROM DataPumpControl c
  LEFT JOIN DataPumpRecord r ON r.DataPumpRecordId = c.DataPumpRecordId
  LEFT JOIN DataPumpDirectItem d ON d.DataPumpRecordId = c.DataPumpRecordId
 WHERE (r.DataPumpRecordId IS NOT NULL OR d.DataPumpRecordId IS NOT NULL)
   AND c.State = 'Failed'
   AND c.DataPumpRecordId > :#afterId
   AND (CAST(:#itemType AS NVARCHAR(50)) IS NULL OR c.ItemType = :#itemType)
   AND (CAST(:#errorClass AS NVARCHAR(200)) IS NULL OR c.LastErrorClass = :#errorClass)
   AND (CAST(:#failedFrom AS DATETIME2) IS NULL OR c.StateChangedAt >= :#failedFrom)
   AND (CAST(:#failedTo AS DATETIME2) IS NULL OR c.StateChangedAt < :#failedTo)
 ORDER BY c.DataPumpRecordId
OFFSET 0 ROWS FETCH NEXT :#limit ROWS ONLY
