-- A trial call of this phase failed: open again for wait-in-open, with a new phase of trials after it. A later
-- phase (another generation) is not touched by an old trial's outcome.
UPDATE CisBreaker
   SET OpenUntil = DATEADD(MILLISECOND, :#waitMillis, SYSUTCDATETIME()),
       TrialsLeft = :#halfOpenCalls,
       TrialSuccesses = 0,
       Generation = Generation + 1,
       LastTrialAt = NULL
 WHERE BillerId = :#billerId
   AND State = 'Open'
   AND Generation = :#generation
