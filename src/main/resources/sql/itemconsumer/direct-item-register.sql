-- A directly published item seen for the first time gets its DataPumpRecordId (identity); a known SourceItemId
-- inserts nothing (the same item again). Two consumers racing on one new id: the unique key lets one insert win.
INSERT INTO DataPumpDirectItem (SourceItemId, ItemType, SourceId, CorrelationId, ReceivedAt)
SELECT :#sourceItemId, :#itemType, :#sourceId, :#correlationId, SYSUTCDATETIME()
 WHERE NOT EXISTS (SELECT 1 FROM DataPumpDirectItem d WHERE d.SourceItemId = :#sourceItemId)
