package dev.dmsflow.validation.check;

import dev.dmsflow.contracts.catalog.ChangeLog;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.support.sql.SqlQuery;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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

    /** The key of {@code alias} was deleted since the load started. */
    SqlQuery deletedSince(SqlQuery query, String alias) {
        return changedSince(query, alias, "= 'D'");
    }

    /** The key of {@code alias} was inserted or updated since the load started. */
    SqlQuery writtenSince(SqlQuery query, String alias) {
        return changedSince(query, alias, "IN ('I', 'U')");
    }

    /**
     * {@code (key) IN (keys logged since)}: not correlated, so PostgreSQL reads the changes since the load started once
     * (through the log's index on the time) and hashes them, instead of searching the log for each row asked about.
     */
    private SqlQuery changedSince(SqlQuery query, String alias, String operations) {
        String keys = String.join(", ", keyColumns.stream().map(k -> alias + "." + Normalization.quote(k)).toList());
        String logged = String.join(", ", keyColumns.stream().map(k -> L + "." + Normalization.quote(k)).toList());
        query.sql("(" + keys + ") IN (SELECT " + logged + " FROM " + log.quoted() + " " + L + " WHERE " + L + "." + Normalization.quote(ChangeLog.OPERATION)
                + " " + operations + " AND " + L + "." + Normalization.quote(changedAt.name()));
        return query.param(" >= ?)", WindowFilter.bound(changedAt, since));
    }

    /**
     * Which of these leading-key texts the log has since {@code since} (any operation), returned as given: a repair
     * leaves a key CDC changed after its check to CDC. Keys bound as one array, cast to the production key's type.
     */
    Set<String> changedAmong(Connection connection, List<String> keys, Column leadingKey) throws SQLException {
        String logged = L + "." + Normalization.quote(leadingKey.name());
        SqlQuery query = new SqlQuery().sql("SELECT k.t FROM ").param("unnest(?::text[]) AS k (t)", new SqlQuery.TextArray(keys))
                .sql(" WHERE k.t::" + leadingKey.formattedType() + " IN (SELECT " + logged + " FROM " + log.quoted() + " " + L + " WHERE "
                        + L + "." + Normalization.quote(changedAt.name()))
                .param(" >= ?)", WindowFilter.bound(changedAt, since));
        return new HashSet<>(query.list(connection, row -> row.getString(1)));
    }

    /** {@link #deletedSince} or, without a log, {@code false}: nothing is known to be in flight. */
    static SqlQuery deletedSince(Optional<ChangeLogTable> log, SqlQuery query, String alias) {
        return log.isPresent() ? log.get().deletedSince(query, alias) : query.sql("false");
    }

    /** {@link #writtenSince} or, without a log, {@code false}: nothing is known to be in flight. */
    static SqlQuery writtenSince(Optional<ChangeLogTable> log, SqlQuery query, String alias) {
        return log.isPresent() ? log.get().writtenSince(query, alias) : query.sql("false");
    }
}
