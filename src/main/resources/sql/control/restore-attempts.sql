-- Bring the attempts of archived Failed items back into the live history.
INSERT INTO DataPumpAttempt
       (DataPumpRecordId, Attempt, Outcome, ErrorClass, ErrorMessage, HttpStatus, StartedAt, DurationMs, ProcessorId,
        CisAnswer, CisConfirmationId, CorrelationId, TraceId)
SELECT t.DataPumpRecordId, t.Attempt, t.Outcome, t.ErrorClass, t.ErrorMessage, t.HttpStatus, t.StartedAt,
       t.DurationMs, t.ProcessorId, t.CisAnswer, t.CisConfirmationId, t.CorrelationId, t.TraceId
  FROM DataPumpAttemptArchive t
 WHERE t.DataPumpRecordId IN (SELECT a.DataPumpRecordId
                                FROM DataPumpControlArchive a
                               WHERE a.State = 'Failed'
                                 AND a.DataPumpRecordId IN (:#recordIds))
 ORDER BY t.AttemptId
