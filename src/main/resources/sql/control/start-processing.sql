-- Item consumer claim by primary key: Fetched or Queued -> Processing; or, for a redriven message, Processing ->
-- Processing when the attempt it resumes (:#resumesAttempt, NULL for any other message) still holds the row; or the
-- row is already held by this very token (a claim written before its connection broke, retried): then it is the
-- same attempt, not counted again. Zero rows means a duplicate.
UPDATE DataPumpControl
   SET Attempts = CASE WHEN State = 'Processing' AND ClaimToken = :#attemptToken THEN Attempts ELSE Attempts + 1 END,
       State = 'Processing',
       ClaimToken = :#attemptToken,
       ProcessorId = :#processorId,
       ClaimedAt = SYSUTCDATETIME(),
       StateChangedAt = SYSUTCDATETIME()
 WHERE DataPumpRecordId = :#recordId
   AND (State IN ('Fetched', 'Queued')
        OR (State = 'Processing' AND ClaimToken IN (:#resumesAttempt, :#attemptToken)))
