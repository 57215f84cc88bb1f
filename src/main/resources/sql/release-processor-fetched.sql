-- At shutdown: claims this process took but did not finish publishing go back to New.
UPDATE DataPumpControl
   SET State = 'New',
       ClaimToken = NULL,
       StateChangedAt = CURRENT_TIMESTAMP
 WHERE State = 'Fetched'
   AND ProcessorId = :#processorId
