-- One audited admin call.
INSERT INTO AdminAudit (At, Actor, Action, Target, Details, Outcome)
VALUES (CURRENT_TIMESTAMP, :#actor, :#action, :#target, :#details, :#outcome)
