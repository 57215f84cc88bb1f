-- At most one outstanding biller message per biller: the publisher takes this marker before it publishes, the
-- biller consumer releases it when the message is consumed (and takes it again for a continuation). A marker older
-- than datapump.publisher.outstanding-lease is considered lost and may be taken again.
ALTER TABLE DataPumpClaimLock ADD OutstandingToken NVARCHAR(36) NULL;
ALTER TABLE DataPumpClaimLock ADD OutstandingSince DATETIME2 NULL;
