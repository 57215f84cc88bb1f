-- The Data Pump's own tables, applied to every shard (production too).
-- DataPumpControl: one row per work item once the pump has seen it; the state machine of docs/schema.md.
CREATE TABLE DataPumpControl (
    DataPumpRecordId BIGINT         NOT NULL,
    ItemType         NVARCHAR(50)   NOT NULL,
    State            NVARCHAR(16)   NOT NULL,
    ClaimToken       NVARCHAR(36)   NULL,
    ProcessorId      NVARCHAR(128)  NULL,
    ClaimedAt        DATETIME2      NULL,
    StateChangedAt   DATETIME2      NOT NULL,
    Attempts         INT            NOT NULL,
    LastErrorClass   NVARCHAR(200)  NULL,
    LastError        NVARCHAR(2000) NULL,
    CreatedAt        DATETIME2      NOT NULL,
    CONSTRAINT PK_DataPumpControl PRIMARY KEY (DataPumpRecordId),
    CONSTRAINT CK_DataPumpControl_State
        CHECK (State IN ('New', 'Fetched', 'Queued', 'Processing', 'Processed', 'Failed'))
);

CREATE INDEX IX_DataPumpControl_State ON DataPumpControl (State, DataPumpRecordId);
CREATE INDEX IX_DataPumpControl_ClaimToken ON DataPumpControl (ClaimToken);

-- DataPumpAttempt: every delivery attempt, successful or not, queryable for troubleshooting.
CREATE TABLE DataPumpAttempt (
    AttemptId        BIGINT IDENTITY(1,1) NOT NULL,
    DataPumpRecordId BIGINT         NOT NULL,
    Attempt          INT            NOT NULL,
    Outcome          NVARCHAR(16)   NOT NULL,
    ErrorClass       NVARCHAR(200)  NULL,
    ErrorMessage     NVARCHAR(2000) NULL,
    HttpStatus       INT            NULL,
    StartedAt        DATETIME2      NOT NULL,
    DurationMs       BIGINT         NOT NULL,
    ProcessorId      NVARCHAR(128)  NOT NULL,
    CONSTRAINT PK_DataPumpAttempt PRIMARY KEY (AttemptId),
    CONSTRAINT CK_DataPumpAttempt_Outcome CHECK (Outcome IN ('Succeeded', 'Failed'))
);

CREATE INDEX IX_DataPumpAttempt_Record ON DataPumpAttempt (DataPumpRecordId, AttemptId);

-- DataPumpClaimLock: one row; a claim updates it first so claims on one shard run one at a time.
CREATE TABLE DataPumpClaimLock (
    LockId         INT          NOT NULL,
    LastClaimToken NVARCHAR(36) NULL,
    LastClaimAt    DATETIME2    NULL,
    CONSTRAINT PK_DataPumpClaimLock PRIMARY KEY (LockId)
);

INSERT INTO DataPumpClaimLock (LockId, LastClaimToken, LastClaimAt) VALUES (1, NULL, NULL);
