-- Re-publishing an abandoned attempt (its process died, stopped or hung past the processing lease), step 1 of 3:
-- Processing -> Fetched under a new claim token, only if the abandoned attempt still holds the row. Committed before
-- the item message is published, so a consumer that gets the message finds a row it accepts.
UPDATE DataPumpControl
   SET State = 'Fetched',
       ClaimToken = :#claimToken,
       ProcessorId = :#processorId,
       ClaimedAt = SYSUTCDATETIME(),
       StateChangedAt = SYSUTCDATETIME(),
       LastErrorClass = 'Abandoned',
       LastError = :#error
 WHERE DataPumpRecordId = :#recordId
   AND State = 'Processing'
   AND ClaimToken = :#heldToken
