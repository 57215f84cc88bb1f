-- Half-open: one of the phase's trial calls, once OpenUntil has passed and no hold runs. When every trial was granted
-- but none decided within the slot lease (their processes died), a new phase of trials starts.
UPDATE CisBreaker
   SET TrialsLeft = CASE WHEN TrialsLeft > 0 THEN TrialsLeft - 1 ELSE :#halfOpenCalls - 1 END,
       TrialSuccesses = CASE WHEN TrialsLeft > 0 THEN TrialSuccesses ELSE 0 END,
       Generation = CASE WHEN TrialsLeft > 0 THEN Generation ELSE Generation + 1 END,
       LastTrialAt = SYSUTCDATETIME()
 WHERE BillerId = :#billerId
   AND State = 'Open'
   AND OpenUntil <= SYSUTCDATETIME()
   AND (HeldUntil IS NULL OR HeldUntil <= SYSUTCDATETIME())
   AND (TrialsLeft > 0 OR LastTrialAt < DATEADD(MILLISECOND, -:#leaseMillis, SYSUTCDATETIME()))
