-- A row below the lookback was found unseen (its insert committed very late): the claim mark moves down to just
-- below it, so the next claim takes it.
UPDATE DataPumpClaimMark
   SET ClaimedThrough = :#through
 WHERE MarkId = 1
   AND ClaimedThrough > :#through
