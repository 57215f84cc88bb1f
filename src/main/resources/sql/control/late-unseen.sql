-- The lowest work item at or below the claim mark less :#lookback with no control record (live or archived): a row
-- whose insert committed so late that the claims' lookback no longer reaches it. NULL when there is none. Scans the
-- history: the archiver runs it once per run, a claim never does.
SELECT MIN(r.DataPumpRecordId)
  FROM DataPumpRecord r
 WHERE r.DataPumpRecordId <= (SELECT m.ClaimedThrough FROM DataPumpClaimMark m WHERE m.MarkId = 1) - :#lookback
   AND NOT EXISTS (SELECT 1 FROM DataPumpControl c WHERE c.DataPumpRecordId = r.DataPumpRecordId)
   AND NOT EXISTS (SELECT 1 FROM DataPumpControlArchive a WHERE a.DataPumpRecordId = r.DataPumpRecordId)
