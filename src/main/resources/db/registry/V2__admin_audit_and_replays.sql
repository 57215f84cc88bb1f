-- Every admin API call, who made it and what it did.
CREATE TABLE AdminAudit (
    AuditId   BIGINT IDENTITY(1,1) NOT NULL,
    At        DATETIME2      NOT NULL,
    Actor     NVARCHAR(200)  NOT NULL,
    Action    NVARCHAR(64)   NOT NULL,
    Target    NVARCHAR(200)  NULL,
    Details   NVARCHAR(4000) NULL,
    Outcome   NVARCHAR(1000) NOT NULL,
    CONSTRAINT PK_AdminAudit PRIMARY KEY (AuditId)
);

CREATE INDEX IX_AdminAudit_At ON AdminAudit (At);

-- Replay jobs: the selection, who asked, and how far the job got.
CREATE TABLE Replay (
    ReplayId      NVARCHAR(36)   NOT NULL,
    RequestedBy   NVARCHAR(200)  NOT NULL,
    RequestedAt   DATETIME2      NOT NULL,
    Source        NVARCHAR(32)   NOT NULL,
    Selection     NVARCHAR(4000) NOT NULL,
    Reason        NVARCHAR(1000) NULL,
    RatePerSecond INT            NOT NULL,
    Selected      INT            NOT NULL,
    Replayed      INT            NOT NULL,
    Skipped       INT            NOT NULL,
    Status        NVARCHAR(16)   NOT NULL,
    FinishedAt    DATETIME2      NULL,
    Error         NVARCHAR(2000) NULL,
    CONSTRAINT PK_Replay PRIMARY KEY (ReplayId),
    CONSTRAINT CK_Replay_Status CHECK (Status IN ('Running', 'Completed', 'Failed', 'Interrupted'))
);
