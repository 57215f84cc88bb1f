-- Archive the attempts of the control rows a batch archived.
INSERT INTO DataPumpAttemptArchive
       (AttemptId, DataPumpRecordId, Attempt, Outcome, ErrorClass, ErrorMessage, HttpStatus, StartedAt, DurationMs,
        ProcessorId, CisAnswer, CisConfirmationId, CorrelationId, TraceId, ArchivedAt)
SELECT t.AttemptId, t.DataPumpRecordId, t.Attempt, t.Outcome, t.ErrorClass, t.ErrorMessage, t.HttpStatus,
       t.StartedAt, t.DurationMs, t.ProcessorId, t.CisAnswer, t.CisConfirmationId, t.CorrelationId, t.TraceId, SYSUTCDATETIME()
  FROM DataPumpAttempt t
 WHERE t.DataPumpRecordId IN (SELECT a.DataPumpRecordId FROM DataPumpControlArchive a WHERE a.ArchiveBatch = :#batch)
