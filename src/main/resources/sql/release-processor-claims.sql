-- At shutdown, after the drain timeout: attempts this process still holds go back to Queued for redelivery.
UPDATE DataPumpControl
   SET State = 'Queued',
       LastErrorClass = 'Abandoned',
       LastError = :#error,
       StateChangedAt = CURRENT_TIMESTAMP
 WHERE State = 'Processing'
   AND ProcessorId = :#processorId
