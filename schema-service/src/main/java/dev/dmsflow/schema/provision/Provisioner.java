package dev.dmsflow.schema.provision;

import static dev.dmsflow.contracts.catalog.Identifiers.quote;

import dev.dmsflow.contracts.catalog.AdminSchema;
import dev.dmsflow.contracts.catalog.CatalogTable;
import dev.dmsflow.contracts.catalog.MigrationCatalog;
import dev.dmsflow.contracts.catalog.MultiStageDefinition;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.schema.ddl.PgCatalog.PgColumn;
import dev.dmsflow.schema.ddl.PgCatalog;
import dev.dmsflow.schema.ddl.ProvisionReport.Outcome;
import dev.dmsflow.schema.ddl.ProvisionReport;
import dev.dmsflow.schema.ddl.SchemaObjects;
import dev.dmsflow.schema.ddl.Steps;
import dev.dmsflow.schema.drift.TablePair;
import dev.dmsflow.schema.drift.TypeVerification;
import dev.dmsflow.schema.fdw.MultiStageProvisioner;
import dev.dmsflow.schema.provision.MonitoringViews.StatusTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provisions everything the catalog asks for: per catalog table, then the admin monitoring views, then per
 * multi-stage definition, each unit in its own transaction (a broken foreign server does not hold back the staging
 * tables) under an advisory lock (two instances never provision at once). Idempotent: a second run over the same
 * catalog and database reports every object UNCHANGED and executes no DDL.
 */
public final class Provisioner {

    private static final Logger log = LoggerFactory.getLogger(Provisioner.class);

    private final DataSource dataSource;
    private final MigrationCatalog catalog;
    private final TableProvisioner tables;
    private final MultiStageProvisioner multiStages;

    Provisioner(DataSource dataSource, MigrationCatalog catalog, TableProvisioner tables, MultiStageProvisioner multiStages) {
        this.dataSource = dataSource;
        this.catalog = catalog;
        this.tables = tables;
        this.multiStages = multiStages;
    }

    public ProvisionReport provision() {
        Steps steps = new Steps();
        for (CatalogTable table : catalog.tables().values()) {
            unit(steps, "tables." + table.name(), connection -> tables.provision(connection, table, steps));
            if (table.changeTracking()) {
                unit(steps, "tables." + table.name() + ".changeTracking", connection -> ChangeTracking.provision(connection, table, steps));
            }
        }
        unit(steps, "admin views", connection -> monitoringViews(connection, steps));
        for (MultiStageDefinition definition : catalog.multiStages().values()) {
            CatalogTable staging = catalog.table(definition.stagingTable()).orElseThrow();
            unit(steps, "multiStage." + definition.name(), connection -> multiStages.provision(connection, definition, staging, steps));
        }
        ProvisionReport report = new ProvisionReport(steps.all());
        long changed = report.steps().stream().filter(s -> s.outcome() == Outcome.CREATED || s.outcome() == Outcome.UPDATED).count();
        if (report.succeeded()) {
            log.info("Provisioned catalog {}: {} object(s) created or updated, {} unchanged", catalog.location(), changed,
                    report.steps().size() - changed);
        } else {
            report.failures().forEach(f -> log.error("Provisioning {} failed: {}", f.object(), f.detail()));
        }
        return report;
    }

    private interface Unit {
        void run(Connection connection) throws SQLException;
    }

    private void unit(Steps steps, String name, Unit unit) {
        int mark = steps.size();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended('dmsflow.schema-provision', 0))")) {
                    lock.execute();
                }
                unit.run(connection);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                steps.rollbackTo(mark);
                steps.add(name, Outcome.FAILED, e instanceof SQLException sql ? "database error " + sql.getSQLState() + ": " + sql.getMessage() : e.getMessage());
            }
        } catch (SQLException e) {
            steps.rollbackTo(mark);
            steps.add(name, Outcome.FAILED, "database unavailable: " + e.getMessage());
        }
    }

    private void monitoringViews(Connection connection, Steps steps) throws SQLException {
        SchemaObjects.ensureSchema(connection, AdminSchema.NAME, steps);
        String function = quote(AdminSchema.NAME) + "." + quote(MonitoringViews.MERGED_WINDOWS_FUNCTION) + "()";
        boolean functionExists = PgCatalog.functionExists(connection, AdminSchema.NAME, MonitoringViews.MERGED_WINDOWS_FUNCTION);
        steps.ensureDefinition(connection, "function " + AdminSchema.NAME + "." + MonitoringViews.MERGED_WINDOWS_FUNCTION, "FUNCTION", function,
                functionExists, functionExists ? PgCatalog.comment(connection, function, "pg_proc") : java.util.Optional.empty(),
                MonitoringViews.mergedWindowsFunction());

        List<StatusTable> staged = new ArrayList<>();
        for (CatalogTable table : catalog.tables().values()) {
            List<PgColumn> columns = PgCatalog.columns(connection, table.staging());
            if (columns.isEmpty()) {
                continue;   // its own unit failed and said why
            }
            String windowType = table.windowColumn()
                    .flatMap(w -> columns.stream().filter(c -> c.name().equals(w)).map(PgColumn::type).findFirst())
                    .orElse("");
            staged.add(new StatusTable(table, windowType));
        }
        if (!staged.isEmpty()) {
            view(connection, MonitoringViews.STATUS_VIEW, MonitoringViews.statusView(staged), steps);
        }
        List<TablePair> pairs = catalog.tables().values().stream().map(TablePair::of).toList();
        view(connection, MonitoringViews.TYPE_VIEW, MonitoringViews.typeVerificationView(TypeVerification.query(pairs)), steps);
    }

    private void view(Connection connection, String name, String definition, Steps steps) throws SQLException {
        QualifiedName view = new QualifiedName(AdminSchema.NAME, name);
        boolean exists = PgCatalog.relationExists(connection, view);
        steps.ensureDefinition(connection, "view " + view, "VIEW", view.quoted(), exists,
                exists ? PgCatalog.comment(connection, view.quoted(), "pg_class") : java.util.Optional.empty(), definition);
    }
}
