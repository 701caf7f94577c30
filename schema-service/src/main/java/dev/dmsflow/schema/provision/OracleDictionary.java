package dev.dmsflow.schema.provision;

import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.schema.typemap.OracleColumn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads a source table's columns and primary key from Oracle's data dictionary (ALL_TAB_COLS, ALL_CONSTRAINTS,
 * ALL_CONS_COLUMNS), the views the DMS user is granted in the seed. The queries are plain SQL over the dictionary's
 * documented columns, so they run unchanged on Oracle and on any database that exposes views of that shape.
 * COLLATION is read where ALL_TAB_COLS has it (Oracle 12.2 and later).
 */
class OracleDictionary implements SourceCatalog {

    /** A source table: its columns in COLUMN_ID order and its primary key columns in key order (empty when it has none). */
    record SourceTable(List<OracleColumn> columns, List<String> primaryKey) {
    }

    // Hidden and virtual columns are not stored data: DMS does not migrate them.
    private static final String COLUMNS = """
            SELECT column_name, data_type, data_length, data_precision, data_scale, char_length, char_used, nullable%s
            FROM all_tab_cols
            WHERE owner = ? AND table_name = ? AND hidden_column = 'NO' AND virtual_column = 'NO'
            ORDER BY column_id""";
    private static final String PRIMARY_KEY = """
            SELECT cc.column_name
            FROM all_constraints c
            JOIN all_cons_columns cc ON cc.owner = c.owner AND cc.constraint_name = c.constraint_name AND cc.table_name = c.table_name
            WHERE c.owner = ? AND c.table_name = ? AND c.constraint_type = 'P'
            ORDER BY cc.position""";

    private final DataSource source;

    OracleDictionary(DataSource source) {
        this.source = source;
    }

    /** The table as the dictionary describes it; empty when the source has no such table. */
    @Override
    public Optional<SourceTable> describe(QualifiedName table) throws SQLException {
        try (Connection connection = source.getConnection()) {
            boolean collations = hasCollationColumn(connection);
            List<OracleColumn> columns = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement(COLUMNS.formatted(collations ? ", \"COLLATION\"" : ""))) {
                query.setString(1, table.schema());
                query.setString(2, table.table());
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        columns.add(new OracleColumn(table.schema(), table.table(), rs.getString(1), rs.getString(2), rs.getInt(3),
                                nullableInt(rs, 4), nullableInt(rs, 5), rs.getInt(6), rs.getString(7), "Y".equals(rs.getString(8)),
                                collations ? rs.getString(9) : null));
                    }
                }
            }
            if (columns.isEmpty()) {
                return Optional.empty();
            }
            List<String> key = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement(PRIMARY_KEY)) {
                query.setString(1, table.schema());
                query.setString(2, table.table());
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        key.add(rs.getString(1));
                    }
                }
            }
            return Optional.of(new SourceTable(columns, key));
        }
    }

    @Override
    public Optional<List<SourceColumn>> columns(QualifiedName table) throws SQLException {
        return describe(table).map(t -> t.columns().stream()
                .map(c -> new SourceColumn(c.name(), c.dataType(), c.fractionalSecondDigits())).toList());
    }

    /**
     * Whether ALL_TAB_COLS has COLLATION, asked of the result's metadata: no error to recover from, no version parsing.
     * The name is quoted where it is selected: COLLATION is a keyword in other SQL dialects.
     */
    private static boolean hasCollationColumn(Connection connection) throws SQLException {
        try (PreparedStatement probe = connection.prepareStatement("SELECT * FROM all_tab_cols WHERE 1 = 0");
             ResultSet rs = probe.executeQuery()) {
            ResultSetMetaData metadata = rs.getMetaData();
            for (int i = 1; i <= metadata.getColumnCount(); i++) {
                if (metadata.getColumnLabel(i).equalsIgnoreCase("collation")) {
                    return true;
                }
            }
            return false;
        }
    }

    private static Integer nullableInt(ResultSet rs, int column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }
}
