-- Remove a batch's archived attempts from the live table.
DELETE FROM DataPumpAttempt
 WHERE DataPumpRecordId IN (SELECT a.DataPumpRecordId FROM DataPumpControlArchive a WHERE a.ArchiveBatch = :#batch)
