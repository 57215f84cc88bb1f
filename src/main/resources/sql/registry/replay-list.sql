-- The most recent replay jobs.
SELECT ReplayId, RequestedBy, RequestedAt, Source, Selection, Reason, RatePerSecond, Selected, Replayed, Skipped,
       Status, FinishedAt, Error, Canary, CanaryState, CanaryIds, CursorBillerId, CursorRecordId, RunBy,
       CancelRequestedBy
  FROM Replay
 ORDER BY RequestedAt DESC
OFFSET 0 ROWS FETCH NEXT :#limit ROWS ONLY
