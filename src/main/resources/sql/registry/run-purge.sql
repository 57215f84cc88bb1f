-- Run reports older than their retention, in bounded chunks.
DELETE FROM RunReport
 WHERE RunId IN (SELECT TOP (:#chunk) RunId FROM RunReport WHERE StartedAt < :#before ORDER BY RunId)
