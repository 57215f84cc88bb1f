-- Failed items among the record ids an operator named.
SELECT c.DataPumpRecordId, c.ItemType, c.LastErrorClass, c.StateChangedAt, r.SourceId
  FROM DataPumpControl c
  JOIN DataPumpRecord r ON r.DataPumpRecordId = c.DataPumpRecordId
 WHERE c.State = 'Failed'
   AND c.DataPumpRecordId IN (:#recordIds)
 ORDER BY c.DataPumpRecordId
