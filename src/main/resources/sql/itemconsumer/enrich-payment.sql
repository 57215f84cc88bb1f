-- Everything the CIS needs about one payment. Column aliases are the field names of the CIS request.
SELECT p.PaymentId     AS paymentId,
       p.Amount        AS amount,
       p.Currency      AS currency,
       p.PaymentMethod AS paymentMethod,
       p.CardNumber    AS cardNumber,
       p.BankAccountNumber AS bankAccountNumber,
       p.BankRoutingNumber AS bankRoutingNumber,
       p.PaidAt        AS paidAt,
       a.AccountNumber AS accountNumber,
       c.FirstName     AS firstName,
       c.LastName      AS lastName,
       c.Email         AS email
  FROM Payment p
  JOIN Account a ON a.AccountId = p.AccountId
  JOIN Customer c ON c.CustomerId = a.CustomerId
 WHERE p.PaymentId = :#sourceId
