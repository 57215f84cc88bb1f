-- A dead process's rows were released in every shard: its heartbeat goes, unless it beat again meanwhile.
DELETE FROM ProcessorHeartbeat
 WHERE ProcessorId = :#processorId
   AND Beats = :#beats
