-- Items are found by a trace id from a tracing backend or a log line (GET /api/items?traceId=…, the /ops search).
CREATE INDEX IX_DataPumpAttempt_TraceId ON DataPumpAttempt (TraceId);
CREATE INDEX IX_DataPumpAttemptArchive_TraceId ON DataPumpAttemptArchive (TraceId);
