-- One row per running pump process. It beats every datapump.heartbeat.interval; a process whose last beat is older
-- than datapump.heartbeat.timeout, or that marked itself stopped at shutdown, is dead: the sweeper releases the rows
-- it held in every shard at once (instead of waiting for the claim leases) and then removes its row.
CREATE TABLE ProcessorHeartbeat (
    ProcessorId NVARCHAR(128) NOT NULL,
    Roles       NVARCHAR(200) NOT NULL,
    StartedAt   DATETIME2     NOT NULL,
    LastBeatAt  DATETIME2     NOT NULL,
    Beats       BIGINT        NOT NULL,
    StoppedAt   DATETIME2     NULL,
    CONSTRAINT PK_ProcessorHeartbeat PRIMARY KEY (ProcessorId)
);
