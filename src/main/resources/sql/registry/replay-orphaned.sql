-- Running replay jobs whose process is gone: it marked itself stopped, its heartbeat is older than the timeout, or
-- it has no heartbeat row any more (the sweeper forgot it). A live process takes them over (replay-take-over).
SELECT r.ReplayId, r.RunBy
  FROM Replay r
 WHERE r.Status = 'Running'
   AND (r.RunBy IS NULL OR r.RunBy <> :#processorId)
   AND NOT EXISTS (SELECT 1
                     FROM ProcessorHeartbeat h
                    WHERE h.ProcessorId = r.RunBy
                      AND h.StoppedAt IS NULL
                      AND h.LastBeatAt >= DATEADD(SECOND, -:#timeoutSeconds, SYSUTCDATETIME()))
