-- A closed breaker row, unless it exists (a process creating it at the same moment fails on the primary key).
INSERT INTO CisBreaker (BillerId, State, OpenUntil, TrialsLeft, TrialSuccesses, Generation, LastTrialAt, HeldUntil)
SELECT :#billerId, 'Closed', NULL, 0, 0, 0, NULL, NULL
 WHERE NOT EXISTS (SELECT 1 FROM CisBreaker WHERE BillerId = :#billerId)
