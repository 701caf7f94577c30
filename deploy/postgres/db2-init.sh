#!/bin/bash
# Database 2, first start only: the existing table a multi-stage load joins over postgres_fdw (the catalog's
# multiStage.orders_enriched reads public.customer_accounts as staging.customer_accounts_db2 in database 1), and the
# role database 1's foreign server logs in as.
set -euo pipefail
: "${FDW_USER_PASSWORD:?FDW_USER_PASSWORD is not set}"
psql -v ON_ERROR_STOP=1 -v fdw_password="$FDW_USER_PASSWORD" --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE fdw_user LOGIN PASSWORD :'fdw_password';

CREATE TABLE public.customer_accounts (
    customer_id     integer       PRIMARY KEY,
    segment         text          NOT NULL,
    account_manager text          NOT NULL,
    credit_limit    numeric(12,2) NOT NULL,
    updated_at      timestamptz   NOT NULL DEFAULT now()
);

-- one account per demo customer of the Oracle source (APP.CUSTOMERS 1..1000)
INSERT INTO public.customer_accounts (customer_id, segment, account_manager, credit_limit)
SELECT id,
       (ARRAY['enterprise', 'mid-market', 'small-business', 'consumer'])[1 + id % 4],
       'manager-' || (1 + id % 25),
       1000 + (id * 37) % 50000
FROM generate_series(1, 1000) AS id;

GRANT USAGE ON SCHEMA public TO fdw_user;
GRANT SELECT ON public.customer_accounts TO fdw_user;
SQL
