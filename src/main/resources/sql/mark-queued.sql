-- After publishing a claim's item messages: Fetched -> Queued for the whole batch in one statement.
-- Rows an item consumer already took (Processing, Processed) or that failed are left alone.
UPDATE DataPumpControl
   SET State = 'Queued',
       StateChangedAt = CURRENT_TIMESTAMP
 WHERE ClaimToken = :#claimToken
   AND State = 'Fetched'
