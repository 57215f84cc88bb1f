-- Re-publishing a Queued row whose message was lost (unchanged for the whole queued lease), step 1 of 3:
-- Queued -> Fetched under a new claim token, only if it is still Queued and past the lease (one sweeper wins).
UPDATE DataPumpControl
   SET State = 'Fetched',
       ClaimToken = :#claimToken,
       ProcessorId = :#processorId,
       ClaimedAt = SYSUTCDATETIME(),
       StateChangedAt = SYSUTCDATETIME()
 WHERE DataPumpRecordId = :#recordId
   AND State = 'Queued'
   AND StateChangedAt < DATEADD(SECOND, -:#leaseSeconds, SYSUTCDATETIME())
