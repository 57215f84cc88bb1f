-- The correlation id of the item message each attempt handled (the X-Correlation-Id the CIS received, the one in the
-- pump's logs), so that an item can be found by it (GET /api/items?correlationId=).
ALTER TABLE DataPumpAttempt ADD CorrelationId NVARCHAR(64) NULL;
ALTER TABLE DataPumpAttemptArchive ADD CorrelationId NVARCHAR(64) NULL;
CREATE INDEX IX_DataPumpAttempt_CorrelationId ON DataPumpAttempt (CorrelationId);
CREATE INDEX IX_DataPumpAttemptArchive_CorrelationId ON DataPumpAttemptArchive (CorrelationId);
