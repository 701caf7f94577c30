package dev.dmsflow.schema.drift;

import dev.dmsflow.contracts.catalog.CatalogTable;
import dev.dmsflow.contracts.catalog.MigrationCatalog;
import dev.dmsflow.schema.ddl.PgCatalog;
import dev.dmsflow.schema.drift.DriftReport.TableDrift;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Runs the type verification over the whole catalog, now. */
final class DriftReporter {

    private final DataSource dataSource;
    private final MigrationCatalog catalog;
    private final Clock clock;

    DriftReporter(DataSource dataSource, MigrationCatalog catalog, Clock clock) {
        this.dataSource = dataSource;
        this.catalog = catalog;
        this.clock = clock;
    }

    DriftReport report() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            List<TablePair> pairs = catalog.tables().values().stream().map(TablePair::of).toList();
            List<ColumnDrift> drifts = TypeVerification.run(connection, pairs);
            List<TableDrift> tables = new ArrayList<>();
            boolean drifted = false;
            for (CatalogTable table : catalog.tables().values()) {
                List<String> problems = new ArrayList<>();
                if (!PgCatalog.relationExists(connection, table.staging())) {
                    problems.add("staging table " + table.staging() + " does not exist");
                }
                if (!PgCatalog.relationExists(connection, table.production())) {
                    problems.add("production table " + table.production() + " does not exist");
                }
                List<ColumnDrift> columns = problems.isEmpty()
                        ? drifts.stream().filter(d -> d.table().equals(table.name())).toList() : List.of();
                drifted |= !problems.isEmpty() || !columns.isEmpty();
                tables.add(new TableDrift(table.name(), table.staging().toString(), table.production().toString(), problems, columns));
            }
            return new DriftReport(clock.instant(), drifted, tables);
        }
    }
}
