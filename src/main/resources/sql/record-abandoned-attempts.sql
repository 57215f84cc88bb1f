-- At shutdown: the attempts this process abandons are recorded before their rows are released.
INSERT INTO DataPumpAttempt
       (DataPumpRecordId, Attempt, Outcome, ErrorClass, ErrorMessage, HttpStatus, StartedAt, DurationMs, ProcessorId)
SELECT c.DataPumpRecordId, c.Attempts, 'Failed', 'Abandoned', :#error, NULL, c.ClaimedAt,
       DATEDIFF(MILLISECOND, c.ClaimedAt, CURRENT_TIMESTAMP), :#processorId
  FROM DataPumpControl c
 WHERE c.State = 'Processing'
   AND c.ProcessorId = :#processorId
