-- Local harness: a customer as the source applications create it.
INSERT INTO Customer (FirstName, LastName, Email, CreatedAt)
VALUES (:#firstName, :#lastName, :#email, :#createdAt)
