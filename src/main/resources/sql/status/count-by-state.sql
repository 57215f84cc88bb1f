-- Items per control state; items without a control record are reported as New (looked for above the claim mark less
-- :#lookback), archived ones as Archived.
SELECT 'New' AS State, COUNT(*) AS Items
  FROM DataPumpRecord r
 WHERE r.DataPumpRecordId > (SELECT m.ClaimedThrough FROM DataPumpClaimMark m WHERE m.MarkId = 1) - :#lookback
   AND NOT EXISTS (SELECT 1 FROM DataPumpControl c WHERE c.DataPumpRecordId = r.DataPumpRecordId)
   AND NOT EXISTS (SELECT 1 FROM DataPumpControlArchive a WHERE a.DataPumpRecordId = r.DataPumpRecordId)
UNION ALL
SELECT State, COUNT(*) AS Items
  FROM DataPumpControl
 GROUP BY State
UNION ALL
SELECT 'Archived' AS State, COUNT(*) AS Items
  FROM DataPumpControlArchive
