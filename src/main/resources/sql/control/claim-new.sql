-- Claim up to :#limit control records in state New (returned by an operator or the sweeper).
UPDATE DataPumpControl
   SET State = 'Fetched',
       ClaimToken = :#claimToken,
       ProcessorId = :#processorId,
       ClaimedAt = SYSUTCDATETIME(),
       StateChangedAt = SYSUTCDATETIME()
 WHERE State = 'New'
   AND DataPumpRecordId IN (SELECT DataPumpRecordId
                              FROM DataPumpControl
                             WHERE State = 'New'
                             ORDER BY DataPumpRecordId
                             OFFSET 0 ROWS FETCH NEXT :#limit ROWS ONLY)
