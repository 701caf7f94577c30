package dev.dmsflow.controller.engine.local;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * H2 in Oracle mode stands in for Oracle's SQL where no Oracle can run; it lacks Oracle's data dictionary, so the one
 * view the local engine reads, ALL_TAB_COLUMNS, is made over H2's information schema with Oracle's column names, and
 * the one function of the dialect's SQL it lacks, TO_NUMBER, is made too (of integers: the tests' keys).
 */
final class OracleStandIn {

    private OracleStandIn() {
    }

    static void addDictionary(Connection h2) throws SQLException {
        try (Statement statement = h2.createStatement()) {
            statement.execute("CREATE VIEW IF NOT EXISTS ALL_TAB_COLUMNS AS SELECT TABLE_SCHEMA AS OWNER, TABLE_NAME, COLUMN_NAME,"
                    + " DATA_TYPE, ORDINAL_POSITION AS COLUMN_ID FROM INFORMATION_SCHEMA.COLUMNS");
            statement.execute("CREATE ALIAS IF NOT EXISTS TO_NUMBER FOR 'java.lang.Long.parseLong'");
        }
    }
}
