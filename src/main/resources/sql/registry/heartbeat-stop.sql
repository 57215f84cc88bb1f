-- At the end of a graceful shutdown: this process holds nothing any more that it will finish; it is dead from now.
UPDATE ProcessorHeartbeat
   SET StoppedAt = SYSUTCDATETIME()
 WHERE ProcessorId = :#processorId
