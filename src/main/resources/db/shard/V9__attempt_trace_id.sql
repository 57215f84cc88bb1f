-- The W3C trace id of each attempt (the trace of the traceparent the CIS received; 32 hex digits), so that an
-- item's attempt can be found in a tracing backend from its history (GET /api/billers/{id}/items/{recordId}).
ALTER TABLE DataPumpAttempt ADD TraceId NVARCHAR(32) NULL;
ALTER TABLE DataPumpAttemptArchive ADD TraceId NVARCHAR(32) NULL;
