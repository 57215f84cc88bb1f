-- Claims whose items were never published (the claiming process died, or its publish was rolled back) go back to
-- New once their lease has passed, so the publisher picks them up again.
UPDATE DataPumpControl
   SET State = 'New',
       ClaimToken = NULL,
       StateChangedAt = CURRENT_TIMESTAMP
 WHERE State = 'Fetched'
   AND ClaimedAt < DATEADD(SECOND, -:#leaseSeconds, CURRENT_TIMESTAMP)
   AND DataPumpRecordId IN (SELECT DataPumpRecordId
                              FROM DataPumpControl
                             WHERE State = 'Fetched'
                               AND ClaimedAt < DATEADD(SECOND, -:#leaseSeconds, CURRENT_TIMESTAMP)
                             ORDER BY DataPumpRecordId
                             OFFSET 0 ROWS FETCH NEXT :#limit ROWS ONLY)
