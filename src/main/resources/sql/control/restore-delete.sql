-- Remove restored items from the archive.
DELETE FROM DataPumpControlArchive
 WHERE State = 'Failed'
   AND DataPumpRecordId IN (:#recordIds)
