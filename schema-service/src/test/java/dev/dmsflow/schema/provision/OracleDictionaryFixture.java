package dev.dmsflow.schema.provision;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Tables shaped like Oracle's ALL_TAB_COLS, ALL_CONSTRAINTS and ALL_CONS_COLUMNS (the columns dmsflow reads, with
 * Oracle's names and value conventions; COLLATION as Oracle 12.2 and later have it) in the source database,
 * describing APP.CUSTOMERS and APP.ORDERS as Oracle would.
 */
final class OracleDictionaryFixture {

    private OracleDictionaryFixture() {
    }

    static void create(JdbcTemplate source, String schema) {
        source.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        source.execute("CREATE SCHEMA " + schema);
        source.execute("CREATE TABLE " + schema + ".all_tab_cols (owner text, table_name text, column_name text, data_type text,"
                + " data_length numeric, data_precision numeric, data_scale numeric, char_length numeric, char_used text, nullable text,"
                + " column_id numeric, hidden_column text, virtual_column text, \"COLLATION\" text)");
        source.execute("CREATE TABLE " + schema + ".all_constraints (owner text, constraint_name text, table_name text, constraint_type text)");
        source.execute("CREATE TABLE " + schema + ".all_cons_columns (owner text, constraint_name text, table_name text, column_name text, position numeric)");
        source.update("INSERT INTO " + schema + ".all_tab_cols VALUES"
                + " ('APP', 'CUSTOMERS', 'CUSTOMER_ID', 'NUMBER', 22, 10, 0, 0, NULL, 'N', 1, 'NO', 'NO', NULL),"
                + " ('APP', 'CUSTOMERS', 'NAME', 'VARCHAR2', 400, NULL, NULL, 100, 'C', 'N', 2, 'NO', 'NO', 'USING_NLS_COMP'),"
                + " ('APP', 'CUSTOMERS', 'EMAIL', 'VARCHAR2', 200, NULL, NULL, 200, 'B', 'Y', 3, 'NO', 'NO', 'USING_NLS_COMP'),"
                + " ('APP', 'CUSTOMERS', 'BALANCE', 'NUMBER', 22, 12, 2, 0, NULL, 'Y', 4, 'NO', 'NO', NULL),"
                + " ('APP', 'CUSTOMERS', 'CREATED', 'DATE', 7, NULL, NULL, 0, NULL, 'Y', 5, 'NO', 'NO', NULL),"
                + " ('APP', 'CUSTOMERS', 'LAST_SEEN', 'TIMESTAMP(9)', 11, NULL, 9, 0, NULL, 'Y', 6, 'NO', 'NO', NULL),"
                + " ('APP', 'CUSTOMERS', 'PHOTO', 'BLOB', 4000, NULL, NULL, 0, NULL, 'Y', 7, 'NO', 'NO', NULL),"
                // Oracle's own hidden and virtual columns are not data DMS migrates
                + " ('APP', 'CUSTOMERS', 'SYS_NC00008$', 'NUMBER', 22, NULL, NULL, 0, NULL, 'Y', NULL, 'YES', 'NO', NULL),"
                + " ('APP', 'CUSTOMERS', 'NAME_UPPER', 'VARCHAR2', 400, NULL, NULL, 100, 'C', 'Y', 8, 'NO', 'YES', 'USING_NLS_COMP'),"
                + " ('APP', 'ORDERS', 'ORDER_ID', 'NUMBER', 22, 18, 0, 0, NULL, 'N', 1, 'NO', 'NO', NULL),"
                + " ('APP', 'ORDERS', 'UPDATED_AT', 'TIMESTAMP(6)', 11, NULL, 6, 0, NULL, 'Y', 2, 'NO', 'NO', NULL)");
        source.update("INSERT INTO " + schema + ".all_constraints VALUES ('APP', 'CUSTOMERS_PK', 'CUSTOMERS', 'P'), ('APP', 'CUSTOMERS_EMAIL_UK', 'CUSTOMERS', 'U')");
        source.update("INSERT INTO " + schema + ".all_cons_columns VALUES ('APP', 'CUSTOMERS_PK', 'CUSTOMERS', 'CUSTOMER_ID', 1),"
                + " ('APP', 'CUSTOMERS_EMAIL_UK', 'CUSTOMERS', 'EMAIL', 1)");
    }
}
