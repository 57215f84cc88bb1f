-- Up to :#limit work items with no control record yet (live or archived), lowest first, looked for only above the
-- claim mark less :#lookback ids (rows whose insert committed late): an index range, not the whole history.
SELECT r.DataPumpRecordId
  FROM DataPumpRecord r
 WHERE r.DataPumpRecordId > (SELECT m.ClaimedThrough FROM DataPumpClaimMark m WHERE m.MarkId = 1) - :#lookback
   AND NOT EXISTS (SELECT 1 FROM DataPumpControl c WHERE c.DataPumpRecordId = r.DataPumpRecordId)
   AND NOT EXISTS (SELECT 1 FROM DataPumpControlArchive a WHERE a.DataPumpRecordId = r.DataPumpRecordId)
 ORDER BY r.DataPumpRecordId
OFFSET 0 ROWS FETCH NEXT :#limit ROWS ONLY
