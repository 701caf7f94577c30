package dev.dmsflow.validation.check;

import dev.dmsflow.contracts.catalog.ChangeLog;
import dev.dmsflow.contracts.catalog.QualifiedName;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The change log of a production table ({@link ChangeLog}): every CDC insert, update and delete with the time it
 * happened. A production key that disagrees with staging because CDC wrote it after the load started is in flight, not
 * a failure. The log's times come from database 1's clock and the load start from the engine's, so "after" starts
 * {@code clockSkew} before the load start.
 */
final class ChangeLogTable {

    private static final String L = "l";

    private final Relation log;
    private final List<String> keyColumns;
    private final Column changedAt;
    private final Instant since;

    private ChangeLogTable(Relation log, List<String> keyColumns, Instant since) {
        this.log = log;
        this.keyColumns = List.copyOf(keyColumns);
        keyColumns.forEach(log::column);
        log.column(ChangeLog.OPERATION);
        this.changedAt = log.column(ChangeLog.CHANGED_AT);
        this.since = since;
    }

    /**
     * The log of {@code production} when it exists and the run says when its load started (without a start, no change
     * can be told to be after it).
     */
    static Optional<ChangeLogTable> find(Connection connection, Relation production, List<String> keyColumns, Optional<Instant> loadStartedAt,
                                         Duration clockSkew) throws SQLException {
        if (loadStartedAt.isEmpty()) {
            return Optional.empty();
        }
        QualifiedName name = ChangeLog.of(new QualifiedName(production.schema(), production.name()));
        return DatabaseCatalog.find(connection, "change log of " + production, name.schema(), name.table())
                .map(log -> new ChangeLogTable(log, keyColumns, loadStartedAt.get().minus(clockSkew)));
    }

    /** {@code EXISTS} a delete of the key of {@code alias} since the load started. */
    SqlQuery deletedSince(SqlQuery query, String alias) {
        return changedSince(query, alias, "= 'D'");
    }

    /** {@code EXISTS} an insert or update of the key of {@code alias} since the load started. */
    SqlQuery writtenSince(SqlQuery query, String alias) {
        return changedSince(query, alias, "IN ('I', 'U')");
    }

    private SqlQuery changedSince(SqlQuery query, String alias, String operations) {
        query.sql("EXISTS (SELECT 1 FROM " + log.quoted() + " " + L + " WHERE ");
        for (String key : keyColumns) {
            query.sql(L + "." + Normalization.quote(key) + " = " + alias + "." + Normalization.quote(key) + " AND ");
        }
        query.sql(L + "." + Normalization.quote(ChangeLog.OPERATION) + " " + operations + " AND " + L + "." + Normalization.quote(changedAt.name()));
        return query.param(" >= ?)", WindowFilter.bound(changedAt, since));
    }

    /** {@link #deletedSince} without a log: nothing is known to be in flight. */
    static SqlQuery deletedSince(Optional<ChangeLogTable> log, SqlQuery query, String alias) {
        return log.isPresent() ? log.get().deletedSince(query, alias) : query.sql("false");
    }

    /** {@link #writtenSince} without a log: nothing is known to be in flight. */
    static SqlQuery writtenSince(Optional<ChangeLogTable> log, SqlQuery query, String alias) {
        return log.isPresent() ? log.get().writtenSince(query, alias) : query.sql("false");
    }
}
