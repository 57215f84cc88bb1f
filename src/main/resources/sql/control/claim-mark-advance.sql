-- After a claim took every unseen row up to :#through: the claim mark moves up to it (never down).
UPDATE DataPumpClaimMark
   SET ClaimedThrough = :#through
 WHERE MarkId = 1
   AND ClaimedThrough < :#through
