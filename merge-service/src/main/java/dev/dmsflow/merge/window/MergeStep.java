package dev.dmsflow.merge.window;

import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TimeWindow;
import java.sql.Connection;
import java.sql.SQLException;

/** Merging one source into one target table, inside the run's transaction. */
public interface MergeStep {

    /** The table written: what the advisory lock is taken on; the table's production table unless overridden. */
    default QualifiedName target() {
        return new QualifiedName(table().getTargetSchema(), table().getTargetTable());
    }

    /** The source read: the table's staging table unless overridden (a cross-database view). */
    default QualifiedName source() {
        return new QualifiedName(table().getStagingSchema(), table().getStagingTable());
    }

    /** The table as MergeCompleted reports it. */
    TableRef table();

    /** Rows the engine reported loading for this table. */
    long fullLoadRows();

    /** @param window the run's window, or null to merge the whole source */
    MergeCounts execute(Connection connection, TimeWindow window) throws SQLException;
}
