-- Local harness: a paperless registration as the source applications create it.
INSERT INTO PaperlessRegistration (AccountId, Email, Enrolled, RegisteredAt)
VALUES (:#accountId, :#email, :#enrolled, :#registeredAt)
