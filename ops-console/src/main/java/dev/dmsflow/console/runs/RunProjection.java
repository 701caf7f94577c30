package dev.dmsflow.console.runs;

import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.RepairCompleted;
import dev.dmsflow.contracts.event.RepairPlanned;
import dev.dmsflow.contracts.event.RepairRequested;
import dev.dmsflow.contracts.event.RequestedTable;
import dev.dmsflow.contracts.event.StagedTable;
import dev.dmsflow.contracts.event.TableLoadStatistics;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TaskProgress;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.contracts.event.ValidationPassed;
import dev.dmsflow.contracts.event.ValidationRequested;
import dev.dmsflow.contracts.event.WindowStaged;
import dev.dmsflow.support.kafka.EventEnvelope;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;

/**
 * Works out a run's view from all its events. A pure function of the set of events: events are taken in the order
 * of the run (by what they are, then when they occurred), not in the order they arrived, and the same event twice
 * counts once (by eventId), so out-of-order, duplicated and redelivered events give the same view.
 *
 * <p>Only the latest attempt's events make the run's stage, status, counts and checks (a retried run starts over);
 * the timeline shows every attempt. A repair round is the exception: the attempt whose validation failed asks for it
 * (RepairRequested, RepairPlanned) and the next attempt loads, merges and validates only the keys it repairs, so the
 * run is repairing from the request on, and keeps the counts of the attempt it repairs and, for the tables the round
 * did not validate again, its checks.
 */
final class RunProjection {

    static final List<String> STAGES = List.of("LOAD", "STAGING", "MERGE", "VALIDATION");
    /** A repair round's: the recorded keys confirmed (request → plan), then the plan's loaded, merged, validated. */
    static final List<String> REPAIR_STAGES = List.of("REPAIR", "LOAD", "STAGING", "MERGE", "VALIDATION");

    // RepairCompleted goes out just before the verdict, in the same millisecond
    private static final List<Class<?>> TYPE_ORDER = List.of(TaskRequested.class, ValidationRequested.class,
            TaskProgress.class, FullLoadCompleted.class, WindowStaged.class, MergeCompleted.class,
            RepairCompleted.class, ValidationPassed.class, ValidationFailed.class, RepairRequested.class,
            RepairPlanned.class, TaskFailed.class);

    private RunProjection() {
    }

    static RunView project(String requestId, List<SpecificRecord> events) {
        Map<String, SpecificRecord> byId = new LinkedHashMap<>();
        for (SpecificRecord event : events) {
            byId.putIfAbsent(header(event).getEventId(), event);
        }
        List<SpecificRecord> all = new ArrayList<>(byId.values());
        all.sort(Comparator.comparing((SpecificRecord e) -> header(e).getOccurredAt())
                .thenComparingInt(e -> header(e).getAttempt())
                .thenComparingInt(RunProjection::order)
                .thenComparing(e -> header(e).getEventId()));
        if (all.isEmpty()) {
            throw new IllegalArgumentException("run " + requestId + " has no events");
        }
        int attempt = all.stream().mapToInt(e -> header(e).getAttempt()).max().orElse(1);
        List<SpecificRecord> current = attempt(all, attempt);

        // what was asked: the request of this attempt, else the latest one (an earlier attempt's: a repair round has
        // none of its own), else what later events carry
        Optional<TaskRequested> request = first(current, TaskRequested.class).or(() -> last(all, TaskRequested.class));
        Optional<FullLoadCompleted> loaded = first(current, FullLoadCompleted.class);
        Optional<WindowStaged> staged = first(current, WindowStaged.class);
        Optional<MergeCompleted> merged = first(current, MergeCompleted.class);
        Optional<ValidationPassed> passed = first(current, ValidationPassed.class);
        Optional<ValidationFailed> validationFailed = first(current, ValidationFailed.class);
        Optional<TaskFailed> taskFailed = first(current, TaskFailed.class);
        Optional<TaskProgress> progress = last(current, TaskProgress.class);
        // a VALIDATE_ONLY run goes from its request straight to validation, a repair round with no key left to load
        // from its plan
        Optional<ValidationRequested> validating = first(current, ValidationRequested.class);
        // a round being planned (asked for by this attempt), or the one this attempt is
        boolean planning = first(current, RepairRequested.class).isPresent();
        List<SpecificRecord> asking = planning ? current
                : repairRound(all, attempt) ? attempt(all, attempt - 1) : List.of();
        Optional<RepairRequested> repair = first(asking, RepairRequested.class);
        Optional<RepairPlanned> plan = first(asking, RepairPlanned.class);
        // a round loads only the keys it repairs: the counts are those of the attempt it repairs
        int repaired = attempt;
        while (repairRound(all, repaired)) {
            repaired--;
        }
        List<SpecificRecord> base = attempt(all, repaired);

        String kind = request.map(r -> r.getKind().name())
                .or(() -> loaded.map(l -> l.getKind().name())).or(() -> staged.map(s -> s.getKind().name()))
                .or(() -> merged.map(m -> m.getKind().name())).or(() -> passed.map(p -> p.getKind().name()))
                .or(() -> validationFailed.map(v -> v.getKind().name())).orElse(null);
        TimeWindow window = request.map(TaskRequested::getWindow)
                .or(() -> loaded.map(FullLoadCompleted::getWindow)).or(() -> staged.map(WindowStaged::getWindow))
                .or(() -> merged.map(MergeCompleted::getWindow)).orElse(null);

        Set<String> tables = new LinkedHashSet<>();
        request.ifPresent(r -> r.getTables().stream().map(RequestedTable::getName).forEach(tables::add));
        for (SpecificRecord event : current) {
            tables.addAll(EventEnvelope.tables(event));
        }
        // a validation names its tables in its checks only
        List<RunView.Check> checks = checks(all, repaired, attempt);
        checks.forEach(check -> tables.add(check.table()));

        Instant requestedAt = request.map(r -> header(r).getOccurredAt())
                .orElse(header(current.get(0)).getOccurredAt());
        Instant verdict = passed.map(RunProjection::at).orElse(validationFailed.map(RunProjection::at).orElse(null));
        Instant[] milestones = repair.isEmpty()
                ? new Instant[] {requestedAt, at(loaded), at(staged), at(merged), verdict}
                : planning ? new Instant[] {at(repair), at(plan), null, null, null, null}
                : new Instant[] {at(repair), at(plan), at(loaded), at(staged), at(merged), verdict};
        List<String> stageNames = repair.isEmpty() ? STAGES : REPAIR_STAGES;

        // while a round is planned, the failed validation it repairs is no outcome: a failure then fails the repair
        RunView.Failure failure = planning ? taskFailed.map(f -> failure(f, "REPAIR")).orElse(null)
                : failure(taskFailed, validationFailed);
        String status = failure != null ? "FAILED" : passed.isPresent() ? "PASSED" : "RUNNING";
        String stage;
        if (failure != null) {
            stage = failure.stage();
        } else if (passed.isPresent()) {
            stage = "DONE";
        } else if (validating.isPresent() && !planning && reached(milestones) == (repair.isEmpty() ? 0 : 1)) {
            stage = "VALIDATION";
        } else {
            // a run is taken up at once or refused (TaskFailed, stage REQUEST): a live run without milestones is
            // loading (or confirming what its repair reloads)
            stage = stageNames.get(reached(milestones));
        }
        Instant finishedAt = failure != null ? failure.at() : passed.map(RunProjection::at).orElse(null);
        Instant lastEventAt = header(all.get(all.size() - 1)).getOccurredAt();
        boolean replicating = TaskKind.FULL_LOAD_AND_CDC.name().equals(kind);
        // the controller keeps a failed run's leases for its repair
        boolean loadingBegan = progress.isPresent() || loaded.isPresent() || validating.isPresent()
                || repair.isPresent();
        boolean holdsLeases = loadingBegan && failure == null && (passed.isEmpty() || replicating);

        return new RunView(requestId, kind, List.copyOf(tables), window == null ? null : window.getFrom(),
                window == null ? null : window.getTo(), request.map(TaskRequested::getRequestedBy).orElse(null),
                attempt, repair.map(RepairRequested::getRound).orElse(null), stage, status, requestedAt, finishedAt,
                finishedAt == null ? null : Duration.between(requestedAt, finishedAt).toMillis(),
                lastEventAt, progress.map(TaskProgress::getPercentComplete).orElse(null),
                progress.map(p -> p.getEngine().name()).or(() -> loaded.map(l -> l.getEngine().name())).orElse(null), holdsLeases,
                stages(milestones, stageNames, failure), tableCounts(tables, first(base, FullLoadCompleted.class),
                first(base, WindowStaged.class), first(base, MergeCompleted.class), checks), checks, failure,
                timeline(all));
    }

    /** The events of one attempt. */
    private static List<SpecificRecord> attempt(List<SpecificRecord> all, int attempt) {
        return all.stream().filter(e -> header(e).getAttempt() == attempt).toList();
    }

    /** Whether the attempt is a repair round: the one before asked for a repair, and it has no request of its own. */
    private static boolean repairRound(List<SpecificRecord> all, int attempt) {
        return first(attempt(all, attempt - 1), RepairRequested.class).isPresent()
                && first(attempt(all, attempt), TaskRequested.class).isEmpty();
    }

    /** The index of the latest milestone reached. */
    private static int reached(Instant[] milestones) {
        int last = 0;
        for (int i = 1; i < milestones.length; i++) {
            if (milestones[i] != null) {
                last = i;
            }
        }
        return last;
    }

    private static List<RunView.StageSpan> stages(Instant[] milestones, List<String> names, RunView.Failure failure) {
        // a later milestone means every stage before it is done, even while the events telling so are on their way
        int last = reached(milestones);
        List<RunView.StageSpan> spans = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (failure != null && name.equals(failure.stage())) {
                spans.add(span(name, milestones[i], failure.at(), "FAILED"));
            } else if (i < last) {
                spans.add(span(name, milestones[i], milestones[i + 1], "DONE"));
            } else if (i == last && failure == null) {
                spans.add(span(name, milestones[i], null, "RUNNING"));
            } else {
                spans.add(new RunView.StageSpan(name, null, null, null, "PENDING"));
            }
        }
        return spans;
    }

    private static RunView.StageSpan span(String stage, Instant start, Instant end, String state) {
        Long millis = start != null && end != null ? Duration.between(start, end).toMillis() : null;
        return new RunView.StageSpan(stage, start, end, millis, state);
    }

    private static List<RunView.TableCounts> tableCounts(Set<String> tables, Optional<FullLoadCompleted> loaded, Optional<WindowStaged> staged,
                                                         Optional<MergeCompleted> merged, List<RunView.Check> checks) {
        Map<String, TableLoadStatistics> loads = loaded.map(l -> l.getTables().stream()
                .collect(Collectors.toMap(t -> t.getTable().getName(), t -> t, (a, b) -> a))).orElse(Map.of());
        Map<String, StagedTable> stagings = staged.map(s -> s.getTables().stream()
                .collect(Collectors.toMap(t -> t.getTable().getName(), t -> t, (a, b) -> a))).orElse(Map.of());
        Map<String, TableMergeResult> merges = merged.map(m -> m.getTables().stream()
                .collect(Collectors.toMap(t -> t.getTable().getName(), t -> t, (a, b) -> a))).orElse(Map.of());
        Instant mergedAt = merged.map(RunProjection::at).orElse(null);
        List<RunView.TableCounts> counts = new ArrayList<>();
        for (String table : tables) {
            TableLoadStatistics load = loads.get(table);
            StagedTable stage = stagings.get(table);
            TableMergeResult merge = merges.get(table);
            List<RunView.Check> own = checks.stream().filter(c -> c.table().equals(table)).toList();
            String validation = own.isEmpty() ? null : own.stream().allMatch(RunView.Check::passed) ? "PASSED" : "FAILED";
            counts.add(new RunView.TableCounts(table, load == null ? null : load.getFullLoadRows(),
                    stage == null ? null : stage.getStagedRows(), merge == null ? null : merge.getInserted(),
                    merge == null ? null : merge.getUpdated(), merge == null ? null : merge.getSkippedStale(),
                    merge == null ? null : merge.getDuplicates(), merge == null ? null : merge.getSkippedDeleted(),
                    merge == null ? null : mergedAt, validation));
        }
        return counts;
    }

    /** Per table, the checks of the latest validation of attempts {@code from} to {@code to} that checked it. */
    private static List<RunView.Check> checks(List<SpecificRecord> all, int from, int to) {
        List<RunView.Check> checks = new ArrayList<>();
        Set<String> checked = new HashSet<>();
        for (int attempt = to; attempt >= from; attempt--) {
            List<RunView.Check> own = checks(attempt(all, attempt));
            own.stream().filter(check -> !checked.contains(check.table())).forEach(checks::add);
            own.forEach(check -> checked.add(check.table()));
        }
        return checks;
    }

    private static List<RunView.Check> checks(List<SpecificRecord> events) {
        List<CheckResult> results = new ArrayList<>();
        first(events, ValidationPassed.class).ifPresent(p -> results.addAll(p.getChecks()));
        first(events, ValidationFailed.class).ifPresent(f -> {
            results.addAll(f.getFailures());
            results.addAll(f.getPassedChecks());
        });
        return results.stream().map(c -> new RunView.Check(c.getTable(), c.getCheck(), c.getPassed(), c.getExpected(), c.getActual(),
                List.copyOf(c.getSampleKeys()), c.getInFlight(), c.getDetail())).toList();
    }

    private static RunView.Failure failure(Optional<TaskFailed> taskFailed, Optional<ValidationFailed> validationFailed) {
        if (taskFailed.isPresent()) {
            return failure(taskFailed.get(), taskFailed.get().getStage().name());
        }
        return validationFailed.map(v -> new RunView.Failure("VALIDATION", Summaries.failedChecks(v), "ValidationFailed", false, at(v)))
                .orElse(null);
    }

    private static RunView.Failure failure(TaskFailed failed, String stage) {
        return new RunView.Failure(stage, failed.getReason(), failed.getErrorType(), failed.getRetryable(), at(failed));
    }

    private static List<RunView.TimelineEntry> timeline(List<SpecificRecord> events) {
        return events.stream().map(e -> new RunView.TimelineEntry(e.getClass().getSimpleName(), header(e).getOccurredAt(),
                header(e).getAttempt(), header(e).getProducer(), Summaries.of(e))).toList();
    }

    /** The run's order of event types: ties in occurredAt (millisecond clocks) are broken by it. */
    private static int order(SpecificRecord event) {
        int index = TYPE_ORDER.indexOf(event.getClass());
        return index < 0 ? TYPE_ORDER.size() : index;
    }

    private static <T> Optional<T> first(List<SpecificRecord> events, Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    private static <T> Optional<T> last(List<SpecificRecord> events, Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).reduce((a, b) -> b);
    }

    private static Instant at(Optional<? extends SpecificRecord> event) {
        return event.map(RunProjection::at).orElse(null);
    }

    private static Instant at(SpecificRecord event) {
        return header(event).getOccurredAt();
    }

    static EventHeader header(SpecificRecord event) {
        EventHeader header = EventEnvelope.header(event);
        if (header == null) {
            throw new IllegalArgumentException(event.getSchema().getFullName() + " has no header");
        }
        return header;
    }
}
