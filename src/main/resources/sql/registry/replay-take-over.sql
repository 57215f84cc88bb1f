-- This process takes over a running replay job from a process that is gone; one row: it is this process's now.
UPDATE Replay
   SET RunBy = :#processorId
 WHERE ReplayId = :#replayId
   AND Status = 'Running'
   AND (RunBy = :#previous OR (RunBy IS NULL AND CAST(:#previous AS NVARCHAR(128)) IS NULL))
