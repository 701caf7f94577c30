package dev.dmsflow.merge.run;

import dev.dmsflow.contracts.catalog.MigrationCatalog;
import dev.dmsflow.contracts.catalog.MultiStageDefinition;
import dev.dmsflow.contracts.event.StagedTable;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.WindowStaged;
import dev.dmsflow.merge.multistage.ViewToFinalMerge;
import dev.dmsflow.merge.repair.RepairTableMerge;
import dev.dmsflow.merge.window.MergeRejectedException;
import dev.dmsflow.merge.window.MergeStep;
import dev.dmsflow.merge.window.TableShapes;
import dev.dmsflow.merge.window.WindowTableMerge;
import dev.dmsflow.contracts.catalog.CatalogTable;
import dev.dmsflow.contracts.event.TableRepairScope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What a run merges: each staged table into its production table, or for a multi-stage run the cross-database view
 * into the final table. Steps come sorted by target so concurrent runs take their table locks in one order.
 */
public final class MergePlanner {

    private final TableShapes shapes;
    private final Optional<MigrationCatalog> catalog;
    private final Duration clockSkew;
    private final Duration changeLogRetention;
    private final Clock clock;

    /**
     * @param clockSkew how much earlier than the run's loadStartedAt a CDC change still counts as made after the load
     *                  started: the clock difference between the controller and PostgreSQL plus the longest CDC
     *                  transaction (a change is logged when made, and visible to the load only when committed)
     * @param changeLogRetention how far back change logs are kept: a watermark older than that is refused
     */
    public MergePlanner(TableShapes shapes, Optional<MigrationCatalog> catalog, Duration clockSkew, Duration changeLogRetention, Clock clock) {
        this.shapes = shapes;
        this.catalog = catalog;
        this.clockSkew = clockSkew;
        this.changeLogRetention = changeLogRetention;
        this.clock = clock;
    }

    List<MergeStep> steps(WindowStaged staged) {
        if (staged.getTables().isEmpty()) {
            throw new MergeRejectedException("the run names no table");
        }
        if (staged.getKind() == TaskKind.TIME_WINDOW_RELOAD && staged.getWindow() == null) {
            throw new MergeRejectedException("a TIME_WINDOW_RELOAD run without a window");
        }
        List<MergeStep> steps;
        if (staged.getRepair() != null) {
            // a repair round merges its scope whatever the run's kind
            steps = staged.getRepair().getTables().stream().map(scope -> repair(staged, scope)).toList();
        } else if (staged.getKind() == TaskKind.MULTI_STAGE) {
            steps = List.of(multiStage(staged));
        } else {
            steps = staged.getTables().stream()
                    .<MergeStep>map(t -> new WindowTableMerge(t.getTable(), t.getFullLoadRows(), shapes,
                            watermark(staged), changeTracking(t.getTable().getName()),
                            clock.instant().minus(changeLogRetention)))
                    .toList();
        }
        return steps.stream().sorted(Comparator.comparing(step -> step.target().toString())).toList();
    }

    /** The scope's table as the run staged it: a table the run did not stage has nothing to merge from. */
    private MergeStep repair(WindowStaged staged, TableRepairScope scope) {
        String name = scope.getTable().getName();
        StagedTable table = staged.getTables().stream()
                .filter(t -> t.getTable().getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new MergeRejectedException("repair round " + staged.getRepair().getRound()
                        + " scopes table " + name + ", which the run did not stage"));
        return new RepairTableMerge(table.getTable(), scope, table.getFullLoadRows(), shapes, watermark(staged),
                changeTracking(name), clock.instant().minus(changeLogRetention));
    }

    private Optional<Instant> watermark(WindowStaged staged) {
        return Optional.ofNullable(staged.getLoadStartedAt()).map(start -> start.minus(clockSkew));
    }

    private boolean changeTracking(String table) {
        return catalog.flatMap(c -> c.table(table)).map(CatalogTable::changeTracking).orElse(false);
    }

    private MergeStep multiStage(WindowStaged staged) {
        String name = staged.getMultiStage();
        if (name == null) {
            throw new MergeRejectedException("a MULTI_STAGE run without the name of its multi-stage definition");
        }
        MigrationCatalog migrationCatalog = catalog.orElseThrow(() -> new MergeRejectedException(
                "merge-service has no migration catalog (dmsflow.catalog.location) to find multi-stage definition " + name));
        MultiStageDefinition definition = migrationCatalog.multiStage(name).orElseThrow(() -> new MergeRejectedException(
                "multi-stage definition " + name + " is not in the migration catalog " + migrationCatalog.location()));
        StagedTable table = staged.getTables().stream()
                .filter(t -> t.getTable().getName().equals(definition.stagingTable()))
                .findFirst()
                .orElseThrow(() -> new MergeRejectedException("multi-stage " + name + " stages table " + definition.stagingTable()
                        + ", which the run did not stage"));
        return new ViewToFinalMerge(definition, table.getTable(), table.getFullLoadRows(), shapes);
    }
}
