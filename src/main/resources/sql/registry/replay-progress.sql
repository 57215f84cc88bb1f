-- A replay job's progress: counts, where it got to, its canary (and, when it ends, its outcome). Only the process
-- running the job writes it, and never over an ended job.
UPDATE Replay
   SET Replayed = :#replayed,
       Skipped = :#skipped,
       Status = :#status,
       CanaryState = :#canaryState,
       CanaryIds = :#canaryIds,
       CursorBillerId = :#cursorBillerId,
       CursorRecordId = :#cursorRecordId,
       FinishedAt = CASE WHEN :#status = 'Running' THEN NULL ELSE SYSUTCDATETIME() END,
       Error = :#error
 WHERE ReplayId = :#replayId
   AND RunBy = :#runBy
   AND Status = 'Running'
