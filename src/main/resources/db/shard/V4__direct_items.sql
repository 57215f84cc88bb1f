-- Items that source applications publish directly (biller mode 'direct'): no DataPumpRecord row exists, so the pump
-- gives each one a DataPumpRecordId of its own here, keyed by the identity the source put on the message
-- (SourceItemId, never NULL). A message whose SourceItemId is known is the same item: it gets the same record id,
-- the same control row and the same CIS Idempotency-Key. Record ids start at 10^15, far above any DataPumpRecord
-- identity and below 2^53 (exact in every JSON reader). Rows stay (they are the deduplication memory).
CREATE TABLE DataPumpDirectItem (
    DataPumpRecordId BIGINT IDENTITY(1000000000000000, 1) NOT NULL,
    SourceItemId     NVARCHAR(128)  NOT NULL,
    ItemType         NVARCHAR(50)   NOT NULL,
    SourceId         BIGINT         NOT NULL,
    CorrelationId    NVARCHAR(64)   NULL,
    ReceivedAt       DATETIME2      NOT NULL,
    CONSTRAINT PK_DataPumpDirectItem PRIMARY KEY (DataPumpRecordId),
    CONSTRAINT UQ_DataPumpDirectItem_SourceItemId UNIQUE (SourceItemId)
);
