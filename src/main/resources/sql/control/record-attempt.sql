-- One row of attempt history; the attempt number is the control record's attempt counter.
INSERT INTO DataPumpAttempt
       (DataPumpRecordId, Attempt, Outcome, ErrorClass, ErrorMessage, HttpStatus, StartedAt, DurationMs, ProcessorId,
        CisAnswer, CisConfirmationId, CorrelationId, TraceId)
SELECT c.DataPumpRecordId, c.Attempts, :#outcome, :#errorClass, :#error, :#httpStatus, :#startedAt, :#durationMs,
       :#processorId, :#cisAnswer, :#confirmationId, :#correlationId, :#traceId
  FROM DataPumpControl c
 WHERE c.DataPumpRecordId = :#recordId
