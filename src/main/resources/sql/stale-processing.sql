-- Delivery attempts that did not finish within their lease (the process died or hung mid-attempt).
SELECT c.DataPumpRecordId, c.ItemType, c.ClaimToken, c.Attempts, c.CreatedAt, r.SourceId
  FROM DataPumpControl c
  JOIN DataPumpRecord r ON r.DataPumpRecordId = c.DataPumpRecordId
 WHERE c.State = 'Processing'
   AND c.ClaimedAt < DATEADD(SECOND, -:#leaseSeconds, CURRENT_TIMESTAMP)
 ORDER BY c.DataPumpRecordId
OFFSET 0 ROWS FETCH NEXT :#limit ROWS ONLY
