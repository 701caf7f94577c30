package dev.dmsflow.contracts.catalog;

import java.util.List;
import java.util.Optional;

/**
 * A multi-stage load: the staged catalog table joined over postgres_fdw with a table of another PostgreSQL database
 * through a view, and the view loaded into a final table.
 *
 * @param stagingTable catalog name of the table DMS stages (the view's left side)
 * @param sync         keep the final table in sync with a trigger on the staging table after the load
 */
public record MultiStageDefinition(String name, String stagingTable, ForeignServer foreignServer,
                                   ForeignTable foreignTable, View view, FinalTable finalTable, boolean sync) {

    /**
     * The postgres_fdw server. The password is never in the catalog: {@code passwordEnv} names the environment
     * variable (or configuration property) that holds it.
     */
    public record ForeignServer(String name, String host, int port, String dbname, String user,
                                Optional<String> passwordEnv) {
    }

    /** The foreign table created locally for {@code remote} in the other database. */
    public record ForeignTable(QualifiedName local, QualifiedName remote) {
    }

    /** The cross-database view: staging joined with the foreign table on {@code join}, exposing {@code columns}. */
    public record View(QualifiedName name, List<JoinColumns> join, List<ViewColumn> columns) {
        public View {
            join = List.copyOf(join);
            columns = List.copyOf(columns);
        }
    }

    /** One equality of the join: staging column = foreign column. */
    public record JoinColumns(String stagingColumn, String foreignColumn) {
    }

    /** A column of the view, taken from one side, named {@code outputName} in the view (the column's own name unless renamed). */
    public record ViewColumn(Side from, String column, String outputName) {
    }

    public enum Side { STAGING, FOREIGN }

    /** The final table the view is loaded into; newer-wins on {@code timestampColumn} when there is one. */
    public record FinalTable(QualifiedName table, List<String> keyColumns, Optional<String> timestampColumn) {
        public FinalTable {
            keyColumns = List.copyOf(keyColumns);
        }
    }
}
