-- A replay job is accepted.
INSERT INTO Replay (ReplayId, RequestedBy, RequestedAt, Source, Selection, Reason, RatePerSecond, Selected, Replayed,
                    Skipped, Status)
VALUES (:#replayId, :#requestedBy, SYSUTCDATETIME(), :#source, :#selection, :#reason, :#rate, :#selected, 0, 0,
        'Running')
