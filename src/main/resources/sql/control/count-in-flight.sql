-- Items of this biller claimed but not finished: the in-flight cap keeps one biller from filling the item topics.
SELECT COUNT(*)
  FROM DataPumpControl
 WHERE State IN ('Fetched', 'Queued', 'Processing')
