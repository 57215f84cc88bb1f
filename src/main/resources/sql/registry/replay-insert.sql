-- A replay job is accepted.
INSERT INTO Replay (ReplayId, RequestedBy, RequestedAt, Source, Selection, Reason, RatePerSecond, Selected, Replayed,
                    Skipped, Status)
VALUES (:#replayId, :#requestedBy, CURRENT_TIMESTAMP, :#source, :#selection, :#reason, :#rate, :#selected, 0, 0,
        'Running')
