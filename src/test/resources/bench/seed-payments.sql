-- Benchmark harness (H2 only, not product SQL): seeds :#n payments and their work items in a few set-based
-- statements. Run in one transaction; :#firstPaymentId is the next PaymentId (MAX + 1 before this seed).
INSERT INTO Customer (FirstName, LastName, Email, CreatedAt)
VALUES ('Bench', 'Customer', 'bench.customer@example.com', CURRENT_TIMESTAMP);
INSERT INTO Account (CustomerId, AccountNumber, ServiceAddress, CreatedAt)
SELECT MAX(CustomerId), 'ACC-BENCH-0001', '1 Bench Street', CURRENT_TIMESTAMP FROM Customer;
INSERT INTO Payment (AccountId, Amount, Currency, PaymentMethod, CardNumber, BankAccountNumber, BankRoutingNumber,
                     PaidAt, CreatedAt)
SELECT (SELECT MAX(AccountId) FROM Account), 5 + MOD(X, 500), 'USD', 'Card', '4111111111111111', NULL, NULL,
       CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
  FROM SYSTEM_RANGE(1, :#n);
INSERT INTO DataPumpRecord (ItemType, SourceId, CreatedAt)
SELECT 'Payment', PaymentId, CURRENT_TIMESTAMP
  FROM Payment
 WHERE PaymentId >= :#firstPaymentId
 ORDER BY PaymentId;
