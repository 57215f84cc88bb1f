-- The rows one claim took, read back by its claim token.
SELECT c.DataPumpRecordId, c.ItemType, r.SourceId
  FROM DataPumpControl c
  JOIN DataPumpRecord r ON r.DataPumpRecordId = c.DataPumpRecordId
 WHERE c.ClaimToken = :#claimToken
   AND c.State = 'Fetched'
 ORDER BY c.DataPumpRecordId
