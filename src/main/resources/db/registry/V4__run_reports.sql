-- Run reports: one row per publisher cycle and per biller batch (what it did and how long it took), kept for
-- datapump.runs.retention and served at GET /api/runs.
CREATE TABLE RunReport (
    RunId            BIGINT IDENTITY(1,1) NOT NULL,
    Kind             NVARCHAR(32)   NOT NULL,
    ProcessorId      NVARCHAR(200)  NOT NULL,
    BillerId         NVARCHAR(64)   NULL,
    Lane             NVARCHAR(16)   NULL,
    StartedAt        DATETIME2      NOT NULL,
    DurationMs       BIGINT         NOT NULL,
    BillersScanned   INT            NULL,
    BillersPublished INT            NULL,
    BillersSkipped   INT            NULL,
    SkipReasons      NVARCHAR(4000) NULL,
    ItemsClaimed     INT            NULL,
    ItemsQueued      INT            NULL,
    ItemsFailed      INT            NULL,
    Continued        BIT            NULL,
    CONSTRAINT PK_RunReport PRIMARY KEY (RunId),
    CONSTRAINT CK_RunReport_Kind CHECK (Kind IN ('publisher-cycle', 'biller-batch'))
);

CREATE INDEX IX_RunReport_StartedAt ON RunReport (StartedAt);
