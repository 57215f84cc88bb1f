-- Local harness: an account as the source applications create it.
INSERT INTO Account (CustomerId, AccountNumber, ServiceAddress, CreatedAt)
VALUES (:#customerId, :#accountNumber, :#serviceAddress, :#createdAt)
