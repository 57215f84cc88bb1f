-- The first heartbeat of a process (or the first after the sweeper forgot it while it was unreachable).
INSERT INTO ProcessorHeartbeat (ProcessorId, Roles, StartedAt, LastBeatAt, Beats, StoppedAt)
VALUES (:#processorId, :#roles, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, NULL)
