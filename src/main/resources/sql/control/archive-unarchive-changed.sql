-- Rows that changed state while their batch was being archived stay live: drop their archive copies.
DELETE FROM DataPumpControlArchive
 WHERE ArchiveBatch = :#batch
   AND DataPumpRecordId IN (SELECT c.DataPumpRecordId FROM DataPumpControl c)
