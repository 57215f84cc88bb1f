-- A process saw the failure rate cross the threshold: the breaker opens for every process, for wait-in-open, and a
-- new phase of half-open-calls trials begins after it. Only a closed breaker opens (the first process to see it).
UPDATE CisBreaker
   SET State = 'Open',
       OpenUntil = DATEADD(MILLISECOND, :#waitMillis, SYSUTCDATETIME()),
       TrialsLeft = :#halfOpenCalls,
       TrialSuccesses = 0,
       Generation = Generation + 1,
       LastTrialAt = NULL
 WHERE BillerId = :#billerId
   AND State = 'Closed'
