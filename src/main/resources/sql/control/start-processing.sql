-- Item consumer claim by primary key: Fetched or Queued -> Processing; or, for a redriven message, Processing ->
-- Processing when the attempt it resumes (:#resumesAttempt, NULL for any other message) still holds the row. Zero
-- rows means a duplicate.
UPDATE DataPumpControl
   SET State = 'Processing',
       ClaimToken = :#attemptToken,
       ProcessorId = :#processorId,
       ClaimedAt = SYSUTCDATETIME(),
       StateChangedAt = SYSUTCDATETIME(),
       Attempts = Attempts + 1
 WHERE DataPumpRecordId = :#recordId
   AND (State IN ('Fetched', 'Queued')
        OR (State = 'Processing' AND ClaimToken = :#resumesAttempt))
