-- The record id a directly published item was given for its source's item id.
SELECT d.DataPumpRecordId FROM DataPumpDirectItem d WHERE d.SourceItemId = :#sourceItemId
