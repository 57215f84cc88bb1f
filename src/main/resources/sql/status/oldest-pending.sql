-- When the oldest work item not yet delivered was created: no control record (live or archived) yet, or a control
-- record in New, Fetched, Queued or Processing. NULL when nothing is pending.
SELECT MIN(r.CreatedAt) AS OldestPending
  FROM DataPumpRecord r
 WHERE EXISTS (SELECT 1 FROM DataPumpControl c
                WHERE c.DataPumpRecordId = r.DataPumpRecordId
                  AND c.State IN ('New', 'Fetched', 'Queued', 'Processing'))
    OR (NOT EXISTS (SELECT 1 FROM DataPumpControl c WHERE c.DataPumpRecordId = r.DataPumpRecordId)
        AND NOT EXISTS (SELECT 1 FROM DataPumpControlArchive a WHERE a.DataPumpRecordId = r.DataPumpRecordId))
