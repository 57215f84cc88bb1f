-- Remove a batch's archived control rows from the live table (only in the state they were archived in).
DELETE FROM DataPumpControl
 WHERE DataPumpRecordId IN (SELECT a.DataPumpRecordId FROM DataPumpControlArchive a WHERE a.ArchiveBatch = :#batch)
   AND State = :#state
