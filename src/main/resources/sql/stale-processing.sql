-- Delivery attempts that did not finish within their lease (the process died or hung mid-attempt).
-- Adapter items take their source id from DataPumpRecord, directly published ones from DataPumpDirectItem.
SELECT c.DataPumpRecordId, c.ItemType, c.ClaimToken, c.Attempts, c.CreatedAt, COALESCE(r.SourceId, d.SourceId) AS SourceId
  FROM DataPumpControl c
  LEFT JOIN DataPumpRecord r ON r.DataPumpRecordId = c.DataPumpRecordId
  LEFT JOIN DataPumpDirectItem d ON d.DataPumpRecordId = c.DataPumpRecordId
 WHERE (r.DataPumpRecordId IS NOT NULL OR d.DataPumpRecordId IS NOT NULL)
   AND c.State = 'Processing'
   AND c.ClaimedAt < DATEADD(SECOND, -:#leaseSeconds, CURRENT_TIMESTAMP)
 ORDER BY c.DataPumpRecordId
OFFSET 0 ROWS FETCH NEXT :#limit ROWS ONLY
