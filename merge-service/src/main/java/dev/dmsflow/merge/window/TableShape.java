package dev.dmsflow.merge.window;

import dev.dmsflow.contracts.catalog.QualifiedName;
import java.util.List;
import java.util.Optional;

/**
 * What a merge needs to know about one source → target pair, read from the database catalog: the columns both sides
 * share (in the target's order), the key, the column that decides newer-wins and its type, and whether the source
 * already guarantees one row per key.
 *
 * @param windowColumnType       PostgreSQL type name of the window column, e.g. {@code timestamp} or {@code timestamptz}
 * @param sourceKeyUnique        the source has a unique index on exactly the key columns, so it cannot hold duplicates
 * @param targetKeyUnique        the target has one, so {@code ON CONFLICT} on the key works
 * @param overridingSystemValue  a copied column is {@code GENERATED ALWAYS AS IDENTITY} in the target
 */
public record TableShape(QualifiedName source, QualifiedName target, List<String> columns, List<String> keyColumns,
                         Optional<String> windowColumn, String windowColumnType, boolean sourceKeyUnique,
                         boolean targetKeyUnique, boolean overridingSystemValue) {

    public TableShape {
        columns = List.copyOf(columns);
        keyColumns = List.copyOf(keyColumns);
    }

    /** Columns a newer staged row overwrites: everything copied but the key. */
    public List<String> updatableColumns() {
        return columns.stream().filter(c -> !keyColumns.contains(c)).toList();
    }
}
