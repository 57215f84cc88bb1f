-- State, attempts and first failure time of one item, for the dead-letter headers.
SELECT c.State,
       c.Attempts,
       (SELECT MIN(a.StartedAt)
          FROM DataPumpAttempt a
         WHERE a.DataPumpRecordId = c.DataPumpRecordId
           AND a.Outcome = 'Failed') AS FirstFailure
  FROM DataPumpControl c
 WHERE c.DataPumpRecordId = :#recordId
