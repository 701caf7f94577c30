-- dmsflow's roles in database 1, least privilege: each service logs in as its own role, AWS DMS as dms_user.
-- Run it as the database's owner or a superuser, once production's tables exist, and again after production gains
-- tables (GRANT ... ON ALL TABLES covers the tables that exist when it runs); it can run any number of times:
--   psql -v ON_ERROR_STOP=1 -d dmsflow_db1 -f deploy/postgres/db1-roles.sql
-- then give each login role its password, e.g. \password dmsflow_merge (the file holds none).
-- What each role may do, and why, is the table in docs/security.md, "Database roles", with what some catalog
-- features need beyond this file (change tracking, multi-stage loads); SecuredDeploymentIT (embedded-runner) runs
-- exactly this file, then a reload as these roles, and checks what they must not do.

DO $roles$
BEGIN
    -- AWS DMS's target endpoint user: schema-service grants it SELECT, INSERT, UPDATE, DELETE, TRUNCATE on each
    -- staging table it provisions (dmsflow.schema.dms-user), and nothing else
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dms_user') THEN
        CREATE ROLE dms_user LOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dmsflow_controller') THEN
        CREATE ROLE dmsflow_controller LOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dmsflow_schema') THEN
        CREATE ROLE dmsflow_schema LOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dmsflow_merge') THEN
        CREATE ROLE dmsflow_merge LOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dmsflow_validation') THEN
        CREATE ROLE dmsflow_validation LOGIN;
    END IF;
    -- merge-service's and validation-service's first migrations say CREATE SCHEMA IF NOT EXISTS admin, which
    -- PostgreSQL checks against CREATE on the database even when the schema exists: they need it to start
    EXECUTE format('GRANT CREATE ON DATABASE %I TO dmsflow_merge, dmsflow_validation', current_database());
END
$roles$;

-- Each service's own schema: its Flyway history and bookkeeping.
CREATE SCHEMA IF NOT EXISTS dms_controller AUTHORIZATION dmsflow_controller;
CREATE SCHEMA IF NOT EXISTS schema_service AUTHORIZATION dmsflow_schema;
CREATE SCHEMA IF NOT EXISTS merge_service AUTHORIZATION dmsflow_merge;
CREATE SCHEMA IF NOT EXISTS validation_service AUTHORIZATION dmsflow_validation;

-- Staging, the change logs and multi-stage final tables: schema-service creates and owns them.
CREATE SCHEMA IF NOT EXISTS staging AUTHORIZATION dmsflow_schema;
CREATE SCHEMA IF NOT EXISTS dmsflow_changes AUTHORIZATION dmsflow_schema;
CREATE SCHEMA IF NOT EXISTS target AUTHORIZATION dmsflow_schema;
GRANT USAGE ON SCHEMA staging, dmsflow_changes, target TO dmsflow_merge, dmsflow_validation;
-- merge reads staged rows and writes final tables; it prunes the change logs it has read
ALTER DEFAULT PRIVILEGES FOR ROLE dmsflow_schema IN SCHEMA staging GRANT SELECT ON TABLES TO dmsflow_merge, dmsflow_validation;
ALTER DEFAULT PRIVILEGES FOR ROLE dmsflow_schema IN SCHEMA dmsflow_changes GRANT SELECT, DELETE ON TABLES TO dmsflow_merge;
ALTER DEFAULT PRIVILEGES FOR ROLE dmsflow_schema IN SCHEMA dmsflow_changes GRANT SELECT ON TABLES TO dmsflow_validation;
ALTER DEFAULT PRIVILEGES FOR ROLE dmsflow_schema IN SCHEMA target GRANT SELECT, INSERT, UPDATE ON TABLES TO dmsflow_merge;
ALTER DEFAULT PRIVILEGES FOR ROLE dmsflow_schema IN SCHEMA target GRANT SELECT ON TABLES TO dmsflow_validation;
-- the local JDBC engine loads staging as the DMS user would: with exactly the DMS user's grants
GRANT dms_user TO dmsflow_controller;

-- The audit tables users know from the seed: schema-service's views, merge-service's merge_logs and merge_summary,
-- validation-service's validation_runs and validation_checks; each service owns what it creates.
CREATE SCHEMA IF NOT EXISTS admin AUTHORIZATION dmsflow_schema;
GRANT USAGE, CREATE ON SCHEMA admin TO dmsflow_merge, dmsflow_validation;
-- admin.oracle_pg_migration_status reads admin.merge_logs through a function, with the privileges of whoever queries it
ALTER DEFAULT PRIVILEGES FOR ROLE dmsflow_merge IN SCHEMA admin GRANT SELECT ON TABLES TO dmsflow_schema;

-- Production: the tables an earlier migration created (schema-service creating them from Oracle needs CREATE on the
-- schema, see docs/security.md). merge writes them (newer-wins: INSERT and UPDATE, never DELETE), validation reads them.
CREATE SCHEMA IF NOT EXISTS production;
GRANT USAGE ON SCHEMA production TO dmsflow_schema, dmsflow_merge, dmsflow_validation;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA production TO dmsflow_merge;
GRANT SELECT ON ALL TABLES IN SCHEMA production TO dmsflow_validation;
-- and the tables schema-service creates there from Oracle, once it may (GRANT CREATE ON SCHEMA production TO dmsflow_schema)
ALTER DEFAULT PRIVILEGES FOR ROLE dmsflow_schema IN SCHEMA production GRANT SELECT, INSERT, UPDATE ON TABLES TO dmsflow_merge;
ALTER DEFAULT PRIVILEGES FOR ROLE dmsflow_schema IN SCHEMA production GRANT SELECT ON TABLES TO dmsflow_validation;
