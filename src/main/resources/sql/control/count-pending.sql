-- Work items waiting to be pumped: no control record yet (live or archived) above the claim mark less :#lookback,
-- or a control record in state New.
SELECT (SELECT COUNT(*)
          FROM DataPumpRecord r
         WHERE r.DataPumpRecordId > (SELECT m.ClaimedThrough FROM DataPumpClaimMark m WHERE m.MarkId = 1) - :#lookback
           AND NOT EXISTS (SELECT 1 FROM DataPumpControl c WHERE c.DataPumpRecordId = r.DataPumpRecordId)
   AND NOT EXISTS (SELECT 1 FROM DataPumpControlArchive a WHERE a.DataPumpRecordId = r.DataPumpRecordId))
     + (SELECT COUNT(*) FROM DataPumpControl WHERE State = 'New') AS Pending
