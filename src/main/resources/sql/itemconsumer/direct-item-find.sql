-- The record id, type and source row the pump gave a directly published item, by the source's identity.
SELECT DataPumpRecordId, ItemType, SourceId
  FROM DataPumpDirectItem
 WHERE SourceItemId = :#sourceItemId
