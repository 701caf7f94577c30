package dev.dmsflow.merge.window;

import static dev.dmsflow.contracts.catalog.Identifiers.quote;

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
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM " + log.quoted() + " WHERE " + quote(ChangeLog.CHANGED_AT) + " < ?")) {
                    delete.setObject(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
                    deleted += delete.executeUpdate();
                }
            }
        }
        return deleted;
    }
}
