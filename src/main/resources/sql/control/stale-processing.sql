-- Delivery attempts whose process is gone: past the processing lease (it died or hung mid-attempt), or held by a
-- process the heartbeats call dead (:#deadProcessorId; NULL matches nothing).
-- Adapter items take their source id from DataPumpRecord, directly published ones from DataPumpDirectItem.
SELECT c.DataPumpRecordId, c.ItemType, c.ClaimToken, c.ProcessorId, c.Attempts, c.CreatedAt,
       COALESCE(r.SourceId, d.SourceId) AS SourceId
  FROM DataPumpControl c
  LEFT JOIN DataPumpRecord r ON r.DataPumpRecordId = c.DataPumpRecordId
  LEFT JOIN DataPumpDirectItem d ON d.DataPumpRecordId = c.DataPumpRecordId
 WHERE (r.DataPumpRecordId IS NOT NULL OR d.DataPumpRecordId IS NOT NULL)
   AND c.State = 'Processing'
   AND (c.ClaimedAt < DATEADD(SECOND, -:#leaseSeconds, SYSUTCDATETIME())
        OR c.ProcessorId = :#deadProcessorId)
 ORDER BY c.DataPumpRecordId
OFFSET 0 ROWS FETCH NEXT :#limit ROWS ONLY
