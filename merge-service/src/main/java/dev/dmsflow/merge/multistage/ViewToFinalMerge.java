package dev.dmsflow.merge.multistage;

import static dev.dmsflow.contracts.catalog.Identifiers.quote;

import dev.dmsflow.contracts.catalog.Identifiers;
import dev.dmsflow.contracts.catalog.MultiStageDefinition;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.Side;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.ViewColumn;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.merge.window.MergeCounts;
import dev.dmsflow.merge.window.MergeRejectedException;
import dev.dmsflow.merge.window.MergeStep;
import dev.dmsflow.merge.window.NewerWins;
import dev.dmsflow.merge.window.TableShape;
import dev.dmsflow.merge.window.TableShapes;
import dev.dmsflow.support.jdbc.WindowBound;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A multi-stage run's last stage: the cross-database view (staging joined with the foreign table) loaded into the
 * final table with {@code INSERT ... SELECT ... ON CONFLICT (key) DO UPDATE}, newer-wins on the final table's
 * timestamp column when it has one. ON CONFLICT rather than MERGE because the sync trigger (or anything else) may
 * insert the same keys concurrently: MERGE's insert would then fail with a unique violation, while ON CONFLICT waits
 * for the other transaction and applies newer-wins to its row, so a concurrent newer row wins and counts as stale.
 * The sync trigger is installed or removed as the catalog says before the view is read (see {@link SyncTrigger#apply}).
 */
public final class ViewToFinalMerge implements MergeStep {

    private static final String UNIQUE_VIOLATION = "23505";

    private final MultiStageDefinition definition;
    private final TableRef stagedTable;
    private final long fullLoadRows;
    private final TableShapes shapes;

    public ViewToFinalMerge(MultiStageDefinition definition, TableRef stagedTable, long fullLoadRows, TableShapes shapes) {
        this.definition = definition;
        this.stagedTable = stagedTable;
        this.fullLoadRows = fullLoadRows;
        this.shapes = shapes;
    }

    @Override
    public QualifiedName target() {
        return definition.finalTable().table();
    }

    @Override
    public QualifiedName source() {
        return definition.view().name();
    }

    @Override
    public TableRef table() {
        return TableRef.newBuilder()
                .setName(definition.name())
                .setSourceSchema(stagedTable.getSourceSchema()).setSourceTable(stagedTable.getSourceTable())
                .setStagingSchema(source().schema()).setStagingTable(source().table())
                .setTargetSchema(target().schema()).setTargetTable(target().table())
                .setKeyColumns(definition.finalTable().keyColumns())
                .setWindowColumn(definition.finalTable().timestampColumn().orElse(null))
                .build();
    }

    @Override
    public long fullLoadRows() {
        return fullLoadRows;
    }

    @Override
    public MergeCounts execute(Connection connection, TimeWindow window) throws SQLException {
        TableShape shape = shape(connection);
        new SyncTrigger(definition, shape, new QualifiedName(stagedTable.getStagingSchema(), stagedTable.getStagingTable())).apply(connection);
        boolean windowed = window != null && shape.windowColumn().isPresent();
        Optional<MergeCounts> inserted = insertIntoFreshRange(connection, shape, windowed ? window : null);
        if (inserted.isPresent()) {
            return inserted.get();
        }
        MergeCounts counts;
        try (PreparedStatement upsert = connection.prepareStatement(upsert(shape, windowed))) {
            if (windowed) {
                WindowBound.bind(upsert, 1, window.getFrom(), shape.windowColumnType());
                WindowBound.bind(upsert, 2, window.getTo(), shape.windowColumnType());
            }
            try (ResultSet rs = upsert.executeQuery()) {
                rs.next();
                counts = MergeCounts.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
            }
        }
        return counts;
    }

    /**
     * A window whose keys the final table has none of yet (the usual first load of each window into a final table
     * whose keys grow with time) needs neither the newest-per-key step nor ON CONFLICT, which together cost 1.5 × a
     * plain INSERT: it is inserted as it is, under a savepoint. A key the view yields twice, or one another session
     * inserted meanwhile, ends that INSERT with a unique violation; it is then undone and the upsert does the work, so
     * the outcome is the upsert's either way. Decided on the staging table's whole key range (its key index answers
     * it), which holds every key of the view, for a single-column key taken from the staging side; empty when the
     * upsert is to do it.
     */
    private Optional<MergeCounts> insertIntoFreshRange(Connection connection, TableShape shape, TimeWindow window) throws SQLException {
        Optional<String> stagedKey = shape.keyColumns().size() != 1 ? Optional.empty() : definition.view().columns().stream()
                .filter(c -> c.from() == Side.STAGING && c.outputName().equals(shape.keyColumns().get(0))).map(ViewColumn::column).findFirst();
        if (stagedKey.isEmpty() || connection.getAutoCommit()) {
            return Optional.empty();
        }
        String staging = Identifiers.qualified(stagedTable.getStagingSchema(), stagedTable.getStagingTable());
        String key = quote(shape.keyColumns().get(0));
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT EXISTS (SELECT 1 FROM " + shape.target().quoted() + " p WHERE p." + key
                     + " >= (SELECT min(" + quote(stagedKey.get()) + ") FROM " + staging + ") AND p." + key
                     + " <= (SELECT max(" + quote(stagedKey.get()) + ") FROM " + staging + "))")) {
            rs.next();
            if (rs.getBoolean(1)) {
                return Optional.empty();
            }
        }
        Savepoint savepoint = connection.setSavepoint();
        try (PreparedStatement insert = connection.prepareStatement(plainInsert(shape, window != null))) {
            if (window != null) {
                WindowBound.bind(insert, 1, window.getFrom(), shape.windowColumnType());
                WindowBound.bind(insert, 2, window.getTo(), shape.windowColumnType());
            }
            long rows = insert.executeLargeUpdate();
            connection.releaseSavepoint(savepoint);
            return Optional.of(MergeCounts.of(rows, rows, rows, 0));
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            connection.rollback(savepoint);
            return Optional.empty();
        }
    }

    /** {@code INSERT INTO final ... SELECT ... FROM view} (in the window), with no conflict handling. */
    static String plainInsert(TableShape shape, boolean windowed) {
        String columns = Identifiers.list(shape.columns(), Function.identity());
        String filter = windowed
                ? " WHERE s." + quote(shape.windowColumn().orElseThrow()) + " >= ? AND s." + quote(shape.windowColumn().orElseThrow()) + " < ?"
                : "";
        return "INSERT INTO " + shape.target().quoted() + " (" + columns + ")" + (shape.overridingSystemValue() ? " OVERRIDING SYSTEM VALUE" : "")
                + " SELECT " + Identifiers.list(shape.columns(), c -> "s." + c) + " FROM " + shape.source().quoted() + " s" + filter;
    }

    TableShape shape(Connection connection) throws SQLException {
        TableShape shape = shapes.resolve(connection, source(), target(), definition.finalTable().keyColumns(),
                definition.finalTable().timestampColumn());
        if (!shape.targetKeyUnique()) {
            throw new MergeRejectedException("final table " + target() + " needs a primary key or unique index on ("
                    + String.join(", ", shape.keyColumns()) + ") for the multi-stage load's ON CONFLICT");
        }
        return shape;
    }

    /**
     * One statement: the view's rows (in the window, when the run has one), the newest per key (a 1:N join can yield
     * a key twice), upserted; returns {@code source rows, distinct keys, inserted, updated}.
     */
    static String upsert(TableShape shape, boolean windowed) {
        String keys = Identifiers.list(shape.keyColumns(), Function.identity());
        String newestFirst = shape.windowColumn().map(w -> quote(w) + " DESC NULLS LAST").orElse(keys);
        String filter = windowed
                ? " WHERE s." + quote(shape.windowColumn().orElseThrow()) + " >= ? AND s." + quote(shape.windowColumn().orElseThrow()) + " < ?"
                : "";
        return "WITH src AS MATERIALIZED (SELECT " + Identifiers.list(shape.columns(), c -> "s." + c) + " FROM " + shape.source().quoted() + " s" + filter + ")"
                + ", newest AS MATERIALIZED (SELECT DISTINCT ON (" + keys + ") * FROM src ORDER BY " + keys + ", " + newestFirst + ")"
                + ", upserted AS (" + upsertFrom(shape, "newest") + " RETURNING (xmax = 0) AS inserted)"
                + " SELECT (SELECT count(*) FROM src), (SELECT count(*) FROM newest),"
                + " count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted";
    }

    /** {@code INSERT INTO final ... SELECT ... FROM <from> ON CONFLICT (key) DO UPDATE ... WHERE newer}. */
    static String upsertFrom(TableShape shape, String from) {
        String columns = Identifiers.list(shape.columns(), Function.identity());
        List<String> updatable = shape.updatableColumns();
        String onConflict = updatable.isEmpty()
                ? " DO NOTHING"
                : " DO UPDATE SET " + Identifiers.list(updatable, c -> c + " = EXCLUDED." + c) + " WHERE " + NewerWins.condition(shape, "p", "EXCLUDED");
        return "INSERT INTO " + shape.target().quoted() + " AS p (" + columns + ")"
                + (shape.overridingSystemValue() ? " OVERRIDING SYSTEM VALUE" : "")
                + " SELECT " + columns + " FROM " + from
                + " ON CONFLICT (" + Identifiers.list(shape.keyColumns(), Function.identity()) + ")" + onConflict;
    }
}
