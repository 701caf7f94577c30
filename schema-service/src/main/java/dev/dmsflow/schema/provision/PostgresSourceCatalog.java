package dev.dmsflow.schema.provision;

import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.schema.ddl.ProvisionException;
import dev.dmsflow.schema.provision.OracleDictionary.SourceTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import javax.sql.DataSource;

/**
 * A PostgreSQL source (the local engine reads those too), described by its information_schema. Its tables have
 * PostgreSQL types already, so production is never created from it through the Oracle mapping.
 */
class PostgresSourceCatalog implements SourceCatalog {

    // datetime_precision: 0 for date, p for timestamp(p), 6 when undeclared
    private static final String COLUMNS = """
            SELECT column_name, data_type, datetime_precision
            FROM information_schema.columns
            WHERE table_schema = ? AND table_name = ?
            ORDER BY ordinal_position""";

    private final DataSource source;

    PostgresSourceCatalog(DataSource source) {
        this.source = source;
    }

    @Override
    public Optional<List<SourceColumn>> columns(QualifiedName table) throws SQLException {
        List<SourceColumn> columns = new ArrayList<>();
        try (Connection connection = source.getConnection(); PreparedStatement query = connection.prepareStatement(COLUMNS)) {
            query.setString(1, table.schema());
            query.setString(2, table.table());
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    String type = rs.getString(2);
                    int precision = rs.getInt(3);
                    boolean timeOfDay = type.equals("date") || type.startsWith("timestamp");
                    columns.add(new SourceColumn(rs.getString(1), type, timeOfDay && !rs.wasNull() ? OptionalInt.of(precision) : OptionalInt.empty()));
                }
            }
        }
        return columns.isEmpty() ? Optional.empty() : Optional.of(columns);
    }

    @Override
    public Optional<SourceTable> describe(QualifiedName table) {
        throw new ProvisionException("the source is PostgreSQL, whose tables are not created through the Oracle type mapping:"
                + " create the production table for " + table + " by hand");
    }
}
