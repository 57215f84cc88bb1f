-- Archive of control records and attempts: Processed and Failed rows move here after their retention, in bounded
-- batches, so the live tables stay small. A work item whose control record is archived is never pumped again.
CREATE TABLE DataPumpControlArchive (
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
    ArchivedAt       DATETIME2      NOT NULL,
    ArchiveBatch     NVARCHAR(36)   NOT NULL,
    CONSTRAINT PK_DataPumpControlArchive PRIMARY KEY (DataPumpRecordId)
);

CREATE INDEX IX_DataPumpControlArchive_Batch ON DataPumpControlArchive (ArchiveBatch);

CREATE TABLE DataPumpAttemptArchive (
    AttemptId        BIGINT         NOT NULL,
    DataPumpRecordId BIGINT         NOT NULL,
    Attempt          INT            NOT NULL,
    Outcome          NVARCHAR(16)   NOT NULL,
    ErrorClass       NVARCHAR(200)  NULL,
    ErrorMessage     NVARCHAR(2000) NULL,
    HttpStatus       INT            NULL,
    StartedAt        DATETIME2      NOT NULL,
    DurationMs       BIGINT         NOT NULL,
    ProcessorId      NVARCHAR(128)  NOT NULL,
    ArchivedAt       DATETIME2      NOT NULL,
    CONSTRAINT PK_DataPumpAttemptArchive PRIMARY KEY (AttemptId)
);

CREATE INDEX IX_DataPumpAttemptArchive_Record ON DataPumpAttemptArchive (DataPumpRecordId, AttemptId);
