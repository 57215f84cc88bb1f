-- Every attempt of one item, live and archived, oldest first.
SELECT t.AttemptId, t.Attempt, t.Outcome, t.ErrorClass, t.ErrorMessage, t.HttpStatus, t.CisAnswer,
       t.CisConfirmationId, t.StartedAt, t.DurationMs, t.ProcessorId, t.CorrelationId, t.TraceId, CAST(NULL AS DATETIME2) AS ArchivedAt
  FROM DataPumpAttempt t
 WHERE t.DataPumpRecordId = :#recordId
UNION ALL
SELECT a.AttemptId, a.Attempt, a.Outcome, a.ErrorClass, a.ErrorMessage, a.HttpStatus, a.CisAnswer,
       a.CisConfirmationId, a.StartedAt, a.DurationMs, a.ProcessorId, a.CorrelationId, a.TraceId, a.ArchivedAt
  FROM DataPumpAttemptArchive a
 WHERE a.DataPumpRecordId = :#recordId
 ORDER BY StartedAt, AttemptId
