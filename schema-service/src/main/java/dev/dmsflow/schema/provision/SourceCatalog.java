package dev.dmsflow.schema.provision;

import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.schema.provision.OracleDictionary.SourceTable;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What provisioning reads about the source database: its columns (to check the catalog against them) and, for an
 * Oracle source, the table to create production from. Oracle is read through its data dictionary, a PostgreSQL
 * source through its own catalog.
 */
interface SourceCatalog {

    /**
     * A source column.
     *
     * @param type                   the source's type name, e.g. {@code TIMESTAMP(9)} or {@code timestamp(3) without time zone}
     * @param fractionalSecondDigits what the column holds below a second: 0 for Oracle DATE, p for TIMESTAMP(p); empty
     *                               for a type that holds no time of day
     */
    record SourceColumn(String name, String type, OptionalInt fractionalSecondDigits) {
    }

    /** The table's columns in order; empty when the source has no such table. */
    Optional<List<SourceColumn>> columns(QualifiedName table) throws SQLException;

    /** The table as Oracle's dictionary describes it, to create production from; empty when there is no such table. */
    Optional<SourceTable> describe(QualifiedName table) throws SQLException;

    /** The column a catalog name means: the same name, or the same name in another case (Oracle folds unquoted names up). */
    static Optional<SourceColumn> named(List<SourceColumn> columns, String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst()
                .or(() -> columns.stream().filter(c -> c.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))).findFirst());
    }
}
