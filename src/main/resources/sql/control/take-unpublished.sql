-- Re-publishing a directly published item left Fetched by a process that is gone (nothing polls for direct items,
-- so it cannot go back to New), step 1 of 3: Fetched -> Fetched under a new claim token, only if the old claim still
-- holds it.
UPDATE DataPumpControl
   SET ClaimToken = :#claimToken,
       ProcessorId = :#processorId,
       ClaimedAt = SYSUTCDATETIME(),
       StateChangedAt = SYSUTCDATETIME()
 WHERE DataPumpRecordId = :#recordId
   AND State = 'Fetched'
   AND ClaimToken = :#heldToken
