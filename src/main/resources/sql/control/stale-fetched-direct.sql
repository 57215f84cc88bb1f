-- Directly published items left Fetched by a process that is gone (past the fetched lease, or held by a process the
-- heartbeats call dead): they are published again, as nothing polls for them.
SELECT c.DataPumpRecordId, c.ItemType, c.ClaimToken, c.Attempts, c.CreatedAt, d.SourceId
  FROM DataPumpControl c
  JOIN DataPumpDirectItem d ON d.DataPumpRecordId = c.DataPumpRecordId
 WHERE c.State = 'Fetched'
   AND (c.ClaimedAt < DATEADD(SECOND, -:#leaseSeconds, SYSUTCDATETIME())
        OR c.ProcessorId = :#deadProcessorId)
 ORDER BY c.DataPumpRecordId
OFFSET 0 ROWS FETCH NEXT :#limit ROWS ONLY
