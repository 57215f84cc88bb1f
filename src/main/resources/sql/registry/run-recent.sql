-- The most recent run reports, newest first, optionally of one kind and one biller ('' = any).
SELECT RunId, Kind, ProcessorId, BillerId, Lane, StartedAt, DurationMs, BillersScanned, BillersPublished,
       BillersSkipped, SkipReasons, ItemsClaimed, ItemsQueued, ItemsFailed, Continued
  FROM RunReport
 WHERE (:#kind = '' OR Kind = :#kind)
   AND (:#billerId = '' OR BillerId = :#billerId)
   AND StartedAt >= :#since
 ORDER BY RunId DESC
OFFSET 0 ROWS FETCH NEXT :#limit ROWS ONLY
