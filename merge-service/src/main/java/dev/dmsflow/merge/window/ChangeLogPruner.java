package dev.dmsflow.merge.window;

import dev.dmsflow.contracts.catalog.ChangeLog;
import dev.dmsflow.contracts.catalog.QualifiedName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import javax.sql.DataSource;

/**
 * Keeps change logs bounded for tables no merge prunes (a CDC table that is never reloaded): deletes the entries older
 * than the retention. A merge whose load started before the retention is refused (see {@link WindowTableMerge}), so no
 * run relies on what this removes.
 */
public final class ChangeLogPruner {

    private final DataSource dataSource;

    public ChangeLogPruner(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Prunes the logs of those production tables that have one; returns the entries deleted. */
    public long prune(List<QualifiedName> productionTables, Instant cutoff) throws SQLException {
        long deleted = 0;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            for (QualifiedName production : productionTables) {
                QualifiedName log = ChangeLog.of(production);
                if (!TableShapes.exists(connection, log)) {
                    continue;
                }
                deleted += prune(connection, production, cutoff);
            }
        }
        return deleted;
    }

    /** Deletes the entries of one table's log older than the cutoff; returns how many. */
    static long prune(Connection connection, QualifiedName production, Instant cutoff) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(ChangeLog.prune(production))) {
            delete.setObject(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
            return delete.executeUpdate();
        }
    }
}
