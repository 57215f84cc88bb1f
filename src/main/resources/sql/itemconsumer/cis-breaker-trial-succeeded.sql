-- A trial call of this phase succeeded: once half-open-calls of them have, the breaker closes for every process.
UPDATE CisBreaker
   SET TrialSuccesses = TrialSuccesses + 1,
       State = CASE WHEN TrialSuccesses + 1 >= :#halfOpenCalls THEN 'Closed' ELSE State END
 WHERE BillerId = :#billerId
   AND State = 'Open'
   AND Generation = :#generation
