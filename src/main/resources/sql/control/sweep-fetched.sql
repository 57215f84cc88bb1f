-- Claims whose process is gone (past the fetched lease, or held by a process the heartbeats call dead) go back to
-- New, so the publisher claims them again; their items may or may not have been published, and a message that
-- finds its row New is skipped. Only work items of DataPumpRecord: a directly published item is published again.
UPDATE DataPumpControl
   SET State = 'New',
       ClaimToken = NULL,
       StateChangedAt = SYSUTCDATETIME()
 WHERE State = 'Fetched'
   AND (ClaimedAt < DATEADD(SECOND, -:#leaseSeconds, SYSUTCDATETIME())
        OR ProcessorId = :#deadProcessorId)
   AND DataPumpRecordId IN (SELECT c.DataPumpRecordId
                              FROM DataPumpControl c
                              JOIN DataPumpRecord r ON r.DataPumpRecordId = c.DataPumpRecordId
                             WHERE c.State = 'Fetched'
                               AND (c.ClaimedAt < DATEADD(SECOND, -:#leaseSeconds, SYSUTCDATETIME())
                                    OR c.ProcessorId = :#deadProcessorId)
                             ORDER BY c.DataPumpRecordId
                             OFFSET 0 ROWS FETCH NEXT :#limit ROWS ONLY)
