-- One item as replay needs it, whatever its state.
-- Adapter items take their source id from DataPumpRecord, directly published ones from DataPumpDirectItem.
SELECT c.DataPumpRecordId, c.ItemType, c.State, c.LastErrorClass, c.StateChangedAt, COALESCE(r.SourceId, d.SourceId) AS SourceId
  FROM DataPumpControl c
  LEFT JOIN DataPumpRecord r ON r.DataPumpRecordId = c.DataPumpRecordId
  LEFT JOIN DataPumpDirectItem d ON d.DataPumpRecordId = c.DataPumpRecordId
 WHERE (r.DataPumpRecordId IS NOT NULL OR d.DataPumpRecordId IS NOT NULL)
   AND c.DataPumpRecordId = :#recordId
