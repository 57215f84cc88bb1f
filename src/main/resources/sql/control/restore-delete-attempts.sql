-- Remove restored items' attempts from the archive.
DELETE FROM DataPumpAttemptArchive
 WHERE DataPumpRecordId IN (SELECT a.DataPumpRecordId
                              FROM DataPumpControlArchive a
                             WHERE a.State = 'Failed'
                               AND a.DataPumpRecordId IN (:#recordIds))
