-- Archived Failed items among the record ids an operator named (for replay by id).
SELECT a.DataPumpRecordId, a.ItemType, a.LastErrorClass, a.StateChangedAt, r.SourceId
  FROM DataPumpControlArchive a
  JOIN DataPumpRecord r ON r.DataPumpRecordId = a.DataPumpRecordId
 WHERE a.State = 'Failed'
   AND a.DataPumpRecordId IN (:#recordIds)
 ORDER BY a.DataPumpRecordId
