-- SQL Server only (catalog views H2 lacks): the isolation level this session runs at (1 read uncommitted,
-- 2 read committed, 3 repeatable read, 4 serializable, 5 snapshot) and whether the database reads committed data
-- from row versions (READ_COMMITTED_SNAPSHOT).
SELECT s.transaction_isolation_level AS IsolationLevel,
       d.is_read_committed_snapshot_on AS ReadCommittedSnapshot
  FROM sys.dm_exec_sessions s
 CROSS JOIN sys.databases d
 WHERE s.session_id = @@SPID
   AND d.database_id = DB_ID()
