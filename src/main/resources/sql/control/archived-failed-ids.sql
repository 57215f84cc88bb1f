-- Archived Failed items among the record ids an operator named (for replay by id).
-- Adapter items take their source id from DataPumpRecord, directly published ones from DataPumpDirectItem.
SELECT a.DataPumpRecordId, a.ItemType, a.LastErrorClass, a.StateChangedAt, COALESCE(r.SourceId, d.SourceId) AS SourceId
  FROM DataPumpControlArchive a
  LEFT JOIN DataPumpRecord r ON r.DataPumpRecordId = a.DataPumpRecordId
  LEFT JOIN DataPumpDirectItem d ON d.DataPumpRecordId = a.DataPumpRecordId
 WHERE (r.DataPumpRecordId IS NOT NULL OR d.DataPumpRecordId IS NOT NULL)
   AND a.State = 'Failed'
   AND a.DataPumpRecordId IN (:#recordIds)
 ORDER BY a.DataPumpRecordId
