-- Items an item message with this correlation id was about: from their attempts (live or archived) and, for directly
-- published items, the correlation id their source first sent.
SELECT t.DataPumpRecordId FROM DataPumpAttempt t WHERE t.CorrelationId = :#correlationId
UNION
SELECT a.DataPumpRecordId FROM DataPumpAttemptArchive a WHERE a.CorrelationId = :#correlationId
UNION
SELECT d.DataPumpRecordId FROM DataPumpDirectItem d WHERE d.CorrelationId = :#correlationId
