-- One item as replay needs it, whatever its state.
SELECT c.DataPumpRecordId, c.ItemType, c.State, c.LastErrorClass, c.StateChangedAt, r.SourceId
  FROM DataPumpControl c
  JOIN DataPumpRecord r ON r.DataPumpRecordId = c.DataPumpRecordId
 WHERE c.DataPumpRecordId = :#recordId
