-- After the item messages of a claim (or of one re-published row) are on their topic: Fetched -> Queued for every
-- row that carries the claim token, in one statement. Rows an item consumer already took (Processing, Processed) or
-- that failed are left alone.
UPDATE DataPumpControl
   SET State = 'Queued',
       StateChangedAt = SYSUTCDATETIME()
 WHERE ClaimToken = :#claimToken
   AND State = 'Fetched'
