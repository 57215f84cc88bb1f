-- Local harness: the work item a source application writes for the Data Pump.
INSERT INTO DataPumpRecord (ItemType, SourceId, CreatedAt)
VALUES (:#itemType, :#sourceId, :#createdAt)
