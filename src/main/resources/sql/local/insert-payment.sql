-- Local harness: a payment as the source applications create it.
INSERT INTO Payment (AccountId, Amount, Currency, PaymentMethod, CardNumber, BankAccountNumber, BankRoutingNumber,
                     PaidAt, CreatedAt)
VALUES (:#accountId, :#amount, :#currency, :#paymentMethod, :#cardNumber, :#bankAccountNumber, :#bankRoutingNumber,
        :#paidAt, :#createdAt)
