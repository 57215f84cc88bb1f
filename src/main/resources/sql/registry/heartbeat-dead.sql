-- Processes other than this one that stopped, or whose last beat is older than the timeout.
SELECT ProcessorId, Beats, LastBeatAt, StoppedAt
  FROM ProcessorHeartbeat
 WHERE ProcessorId <> :#processorId
   AND (StoppedAt IS NOT NULL
        OR LastBeatAt < DATEADD(SECOND, -:#timeoutSeconds, SYSUTCDATETIME()))
 ORDER BY LastBeatAt
