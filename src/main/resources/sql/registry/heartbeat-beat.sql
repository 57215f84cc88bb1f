-- This process is alive: its heartbeat moves on (the registry's clock is the only one heartbeats are judged by).
UPDATE ProcessorHeartbeat
   SET LastBeatAt = SYSUTCDATETIME(),
       Beats = Beats + 1,
       StoppedAt = NULL
 WHERE ProcessorId = :#processorId
