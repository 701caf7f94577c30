#!/bin/bash
# Database 1 (staging, production, target), first start only (postgres image: /docker-entrypoint-initdb.d).
# The seed's Step 1.2: the role AWS DMS connects as. schema-service (DMSFLOW_SCHEMA_DMS_USER=dms_user) creates the
# schemas and tables from the catalog and grants this role what DMS needs on them, plus a user mapping on the
# foreign server of each multi-stage load.
set -euo pipefail
: "${DMS_USER_PASSWORD:?DMS_USER_PASSWORD is not set}"
psql -v ON_ERROR_STOP=1 -v dms_password="$DMS_USER_PASSWORD" --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE dms_user LOGIN PASSWORD :'dms_password';
SQL
