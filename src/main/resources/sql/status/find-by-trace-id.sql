-- Items with an attempt (live or archived) in this W3C trace: the trace of the traceparent the CIS received.
SELECT t.DataPumpRecordId FROM DataPumpAttempt t WHERE t.TraceId = :#traceId
UNION
SELECT a.DataPumpRecordId FROM DataPumpAttemptArchive a WHERE a.TraceId = :#traceId
