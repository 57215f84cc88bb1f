-- Everything the CIS needs about one paperless registration. Column aliases are the CIS request's field names.
SELECT pr.PaperlessRegistrationId AS paperlessRegistrationId,
       pr.Email                   AS email,
       pr.Enrolled                AS enrolled,
       pr.RegisteredAt            AS registeredAt,
       a.AccountNumber            AS accountNumber,
       c.FirstName                AS firstName,
       c.LastName                 AS lastName
  FROM PaperlessRegistration pr
  JOIN Account a ON a.AccountId = pr.AccountId
  JOIN Customer c ON c.CustomerId = a.CustomerId
 WHERE pr.PaperlessRegistrationId = :#sourceId
