-- The biller's CIS limits, shared by every pump process (io.datapump.itemconsumer.SharedCisLimits).
-- CisSlot: one row per concurrency slot (SlotNo 1..datapump.cis.max-concurrent-per-biller, created on first use). A
-- slot is held while Token is set and LeaseUntil has not passed; its holder renews the lease while its call runs, so
-- the slots of a killed process come back when their lease runs out.
CREATE TABLE CisSlot (
    BillerId    NVARCHAR(64)  NOT NULL,
    SlotNo      INT           NOT NULL,
    Token       NVARCHAR(64)  NULL,
    ProcessorId NVARCHAR(128) NULL,
    LeaseUntil  DATETIME2     NULL,
    CONSTRAINT PK_CisSlot PRIMARY KEY (BillerId, SlotNo)
);

-- CisBreaker: the biller's circuit breaker and Retry-After hold. State Closed or Open; while Open, no call is made
-- before OpenUntil, then (half-open) at most TrialsLeft trial calls of phase Generation; LastTrialAt is when the last
-- trial was granted. HeldUntil: no call before it (the CIS answered 429 with Retry-After).
CREATE TABLE CisBreaker (
    BillerId       NVARCHAR(64) NOT NULL,
    State          NVARCHAR(10) NOT NULL,
    OpenUntil      DATETIME2    NULL,
    TrialsLeft     INT          NOT NULL,
    TrialSuccesses INT          NOT NULL,
    Generation     BIGINT       NOT NULL,
    LastTrialAt    DATETIME2    NULL,
    HeldUntil      DATETIME2    NULL,
    CONSTRAINT PK_CisBreaker PRIMARY KEY (BillerId)
);
