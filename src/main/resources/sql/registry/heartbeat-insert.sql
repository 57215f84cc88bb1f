-- The first heartbeat of a process (or the first after the sweeper forgot it while it was unreachable).
INSERT INTO ProcessorHeartbeat (ProcessorId, Roles, StartedAt, LastBeatAt, Beats, StoppedAt)
VALUES (:#processorId, :#roles, SYSUTCDATETIME(), SYSUTCDATETIME(), 1, NULL)
