package dev.dmsflow.validation.repair;

import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.validation.check.ColumnValues;
import dev.dmsflow.validation.check.KeyComparison;
import dev.dmsflow.validation.check.Validator;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * A table's recorded keys compared again, source against production (GoldenGate Veridata's "confirm out of sync"): a
 * key drops out when the two agree now, or when production's change log shows CDC changed it after the failed
 * validation started (CDC owns it; a reload could undo a newer change). Recorded key ranges are kept whole. A repair's
 * confirm plans with it, and so does ops' dry run before one, so both say the same.
 */
class OutOfSyncKeys {

    static final String LOAD = "load";
    static final String DELETE = "delete";

    private final Validator validator;

    OutOfSyncKeys(Validator validator) {
        this.validator = validator;
    }

    /**
     * A table's plan, and both copies' values of its keys' differing columns, in key order: only the admin role's dry
     * run shows them; a confirm records and publishes the plan alone (business data never travels in events).
     */
    record Compared(RepairStore.PlannedTable plan, List<ColumnValues> values) {
    }

    /**
     * The table's keys still out of sync, in key order, each {@code load} (the source has it) or {@code delete} (the
     * source lacks it) with the columns that differ; the recorded ranges; how many recorded keys dropped out.
     *
     * @param deletes whether the catalog lets a repair of the table delete what the source lacks
     */
    Compared compare(TableRef table, boolean deletes, RepairStore.Recorded recorded) throws SQLException {
        List<String> keys = List.copyOf(recorded.keys().getOrDefault(table.getName(), Set.of()));
        List<KeyComparison> outOfSync = validator.compareKeys(table, keys, recorded.startedAt()).stream()
                .filter(key -> !key.agrees() && !key.changedByCdc())
                .sorted(Comparator.comparing(KeyComparison::key, OutOfSyncKeys::compareKeys))
                .toList();
        RepairStore.PlannedTable plan = new RepairStore.PlannedTable(table.getName(), deletes,
                keys.size() - outOfSync.size(), List.copyOf(recorded.ranges().getOrDefault(table.getName(), Set.of())),
                outOfSync.stream().map(key -> new RepairStore.PlannedKey(key.key(), key.inSource() ? LOAD : DELETE,
                        key.differingColumns())).toList());
        return new Compared(plan, outOfSync.stream().flatMap(key -> key.values().stream()).toList());
    }

    /** Numeric keys by value (9 before 10), any others as text: the key order the checks report in. */
    static int compareKeys(String a, String b) {
        try {
            return new BigDecimal(a).compareTo(new BigDecimal(b));
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    }
}
