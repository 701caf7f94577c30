#!/bin/bash
# First-start initialisation of the Oracle Free source (gvenzl/oracle-free runs /container-entrypoint-initdb.d/*.sh
# once, when it creates the database). It sets up what AWS DMS needs of an Oracle source (the seed's
# multi-stage-migration-plan.txt, Step 1.1) and the demo schema APP:
#   - supplemental logging (database level in CDB$ROOT, table level on the demo tables);
#   - the DMS user DMS_USER in FREEPDB1 with the seed's grants (a grant on an object Oracle Free lacks is reported
#     and skipped instead of failing the start);
#   - APP.CUSTOMERS and APP.ORDERS (UPDATED_AT = the window column) with demo rows across January-March 2026.
# Passwords come from the container environment: DMS_USER_PASSWORD, APP_SCHEMA_PASSWORD.
# Not done (needs a restart in MOUNT state, and only CDC needs it): ARCHIVELOG mode.
set -euo pipefail

: "${DMS_USER_PASSWORD:?DMS_USER_PASSWORD is not set}"
: "${APP_SCHEMA_PASSWORD:?APP_SCHEMA_PASSWORD is not set}"
PDB="${ORACLE_PDB:-FREEPDB1}"

sqlplus -s / as sysdba <<SQL
WHENEVER SQLERROR EXIT SQL.SQLCODE
SET SERVEROUTPUT ON FEEDBACK OFF

-- database-level supplemental logging lives in the root container
ALTER SESSION SET CONTAINER = CDB\$ROOT;
ALTER DATABASE ADD SUPPLEMENTAL LOG DATA;
ALTER DATABASE ADD SUPPLEMENTAL LOG DATA (PRIMARY KEY) COLUMNS;

ALTER SESSION SET CONTAINER = ${PDB};

-- the demo source schema
CREATE USER app IDENTIFIED BY "${APP_SCHEMA_PASSWORD}" QUOTA UNLIMITED ON users;
GRANT CREATE SESSION, CREATE TABLE TO app;

CREATE TABLE app.customers (
    customer_id NUMBER(10)     NOT NULL,
    name        VARCHAR2(100)  NOT NULL,
    email       VARCHAR2(200),
    country     VARCHAR2(2),
    created_at  DATE           NOT NULL,
    updated_at  TIMESTAMP(6)   NOT NULL,
    CONSTRAINT customers_pk PRIMARY KEY (customer_id)
);

CREATE TABLE app.orders (
    order_id    NUMBER(12)     NOT NULL,
    customer_id NUMBER(10)     NOT NULL,
    order_date  DATE           NOT NULL,
    amount      NUMBER(12,2)   NOT NULL,
    status      VARCHAR2(20)   NOT NULL,
    note        VARCHAR2(400),
    updated_at  TIMESTAMP(6)   NOT NULL,
    CONSTRAINT orders_pk PRIMARY KEY (order_id),
    CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES app.customers (customer_id)
);
CREATE INDEX app.orders_updated_at_ix ON app.orders (updated_at);

-- 1,000 customers and 20,000 orders; updated_at spread over 2026-01-01 .. 2026-03-31
INSERT INTO app.customers (customer_id, name, email, country, created_at, updated_at)
SELECT level,
       'Customer ' || level,
       'customer' || level || '@example.com',
       CASE MOD(level, 4) WHEN 0 THEN 'DE' WHEN 1 THEN 'FR' WHEN 2 THEN 'US' ELSE 'JP' END,
       DATE '2025-01-01' + MOD(level, 365),
       TIMESTAMP '2026-01-01 00:00:00' + NUMTODSINTERVAL(MOD(level * 7919, 90 * 86400), 'SECOND')
FROM dual CONNECT BY level <= 1000;

INSERT INTO app.orders (order_id, customer_id, order_date, amount, status, note, updated_at)
SELECT level,
       MOD(level * 31, 1000) + 1,
       DATE '2026-01-01' + MOD(level, 90),
       ROUND(MOD(level * 37, 100000) / 100 + 1, 2),
       CASE MOD(level, 5) WHEN 0 THEN 'NEW' WHEN 1 THEN 'PAID' WHEN 2 THEN 'SHIPPED' WHEN 3 THEN 'DELIVERED' ELSE 'CANCELLED' END,
       CASE WHEN MOD(level, 10) = 0 THEN NULL ELSE 'order ' || level END,
       TIMESTAMP '2026-01-01 00:00:00' + NUMTODSINTERVAL(MOD(level * 104729, 90 * 86400), 'SECOND')
                                     + NUMTODSINTERVAL(MOD(level, 1000000) / 1000000, 'SECOND')
FROM dual CONNECT BY level <= 20000;
COMMIT;

-- table-level supplemental logging (the seed's ALTER TABLE SOURCE_TABLE ... (ALL) COLUMNS)
ALTER TABLE app.customers ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS;
ALTER TABLE app.orders ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS;

-- the DMS user and the seed's grants
CREATE USER dms_user IDENTIFIED BY "${DMS_USER_PASSWORD}";
GRANT CREATE SESSION TO dms_user;
GRANT SELECT ANY TABLE TO dms_user;
GRANT SELECT ANY TRANSACTION TO dms_user;

DECLARE
    TYPE names IS TABLE OF VARCHAR2(128);
    objects names := names(
        'V_\$ARCHIVED_LOG', 'V_\$LOG', 'V_\$LOGFILE', 'V_\$DATABASE', 'V_\$THREAD', 'V_\$PARAMETER',
        'V_\$NLS_PARAMETERS', 'V_\$TIMEZONE_NAMES', 'V_\$TRANSACTION',
        'ALL_INDEXES', 'ALL_OBJECTS', 'ALL_TABLES', 'ALL_USERS', 'ALL_CATALOG', 'ALL_CONSTRAINTS',
        'ALL_CONS_COLUMNS', 'ALL_TAB_COLS', 'ALL_IND_COLUMNS', 'ALL_ENCRYPTED_COLUMNS', 'ALL_LOG_GROUPS',
        'ALL_TAB_PARTITIONS', 'SYS.DBA_REGISTRY', 'SYS.OBJ\$', 'DBA_TABLESPACES', 'DBA_OBJECTS', 'SYS.ENC\$',
        'APP.CUSTOMERS', 'APP.ORDERS');
BEGIN
    FOR i IN 1 .. objects.COUNT LOOP
        BEGIN
            EXECUTE IMMEDIATE 'GRANT SELECT ON ' || objects(i) || ' TO dms_user';
        EXCEPTION
            WHEN OTHERS THEN
                DBMS_OUTPUT.PUT_LINE('dmsflow init: skipped GRANT SELECT ON ' || objects(i) || ': ' || SQLERRM);
        END;
    END LOOP;
END;
/
EXIT
SQL

# the compose health check waits for this marker, so nothing connects before the grants and demo rows exist
touch /opt/oracle/oradata/dmsflow-init.done
echo "dmsflow init: Oracle source ready (APP.CUSTOMERS, APP.ORDERS, DMS_USER)"
