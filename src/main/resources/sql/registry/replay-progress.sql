-- A replay job's progress (and, when it ends, its outcome).
UPDATE Replay
   SET Replayed = :#replayed,
       Skipped = :#skipped,
       Status = :#status,
       FinishedAt = CASE WHEN :#status = 'Running' THEN NULL ELSE SYSUTCDATETIME() END,
       Error = :#error
 WHERE ReplayId = :#replayId
