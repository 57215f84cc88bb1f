-- A replay job is accepted, and this process runs it.
INSERT INTO Replay (ReplayId, RequestedBy, RequestedAt, Source, Selection, Reason, RatePerSecond, Selected, Replayed,
                    Skipped, Status, Canary, CanaryState, RunBy)
VALUES (:#replayId, :#requestedBy, SYSUTCDATETIME(), :#source, :#selection, :#reason, :#rate, :#selected, 0, 0,
        'Running', :#canary, :#canaryState, :#runBy)
