-- When the oldest work item not yet delivered was created: a control record in New, Fetched, Queued or Processing,
-- or no control record (live or archived) yet, looked for above the claim mark less :#lookback. NULL when nothing is
-- pending.
SELECT MIN(t.CreatedAt) AS OldestPending
  FROM (SELECT MIN(r.CreatedAt) AS CreatedAt
          FROM DataPumpControl c
          JOIN DataPumpRecord r ON r.DataPumpRecordId = c.DataPumpRecordId
         WHERE c.State IN ('New', 'Fetched', 'Queued', 'Processing')
        UNION ALL
        SELECT MIN(r.CreatedAt) AS CreatedAt
          FROM DataPumpRecord r
         WHERE r.DataPumpRecordId > (SELECT m.ClaimedThrough FROM DataPumpClaimMark m WHERE m.MarkId = 1) - :#lookback
           AND NOT EXISTS (SELECT 1 FROM DataPumpControl c WHERE c.DataPumpRecordId = r.DataPumpRecordId)
           AND NOT EXISTS (SELECT 1 FROM DataPumpControlArchive a WHERE a.DataPumpRecordId = r.DataPumpRecordId)) t
