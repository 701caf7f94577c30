package dev.dmsflow.validation.check;

import static dev.dmsflow.validation.check.OrdersFixture.db1;
import static dev.dmsflow.validation.check.OrdersFixture.execute;
import static dev.dmsflow.validation.check.OrdersFixture.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmsflow.contracts.catalog.MultiStageDefinition;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TaskKind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every check against real PostgreSQL: database 1 for staging and production, the source database for check 5. */
class ValidatorIT {

    // small ranges so that 2,000 staged rows take several bisection levels
    private static final CheckSettings SETTINGS = new CheckSettings(5, 100, 4, 8);

    private final OrdersFixture orders = new OrdersFixture("vit", 2000);

    private Validator validator(Function<String, Optional<MultiStageDefinition>> multiStages) {
        return new Validator(db1(), Optional.of(source()), multiStages, SETTINGS);
    }

    private List<CheckResult> validate(MergeCompleted run) throws SQLException {
        return validator(name -> Optional.empty()).validate(run);
    }

    private static Map<String, CheckResult> byCheck(List<CheckResult> results) {
        return results.stream().collect(Collectors.toMap(CheckResult::getCheck, r -> r));
    }

    private static List<String> failed(List<CheckResult> results) {
        return results.stream().filter(r -> !r.getPassed()).map(CheckResult::getCheck).toList();
    }

    @BeforeEach
    void tables() throws SQLException {
        orders.create();
    }

    @Test
    void cleanRunPassesEveryCheckWithFiguresAndRepresentationDifferencesNormalised() throws SQLException {
        // '' vs NULL (Oracle stores '' as NULL) and char padding are not differences
        execute(source(), "UPDATE " + orders.sourceTable() + " SET note = NULL, code = 'x' WHERE order_id IN (101, 103)");
        execute(db1(), "UPDATE " + orders.staging() + " SET code = 'x' WHERE order_id = 101",
                "UPDATE " + orders.production() + " SET code = 'x' WHERE order_id = 101",
                "UPDATE " + orders.staging() + " SET note = NULL WHERE order_id = 103",
                "UPDATE " + orders.production() + " SET note = '' WHERE order_id = 103", "UPDATE " + orders.staging() + " SET note = '' WHERE order_id = 101",
                "UPDATE " + orders.production() + " SET note = NULL WHERE order_id = 101",
                "UPDATE " + orders.staging() + " SET code = 'x   ' WHERE order_id = 103",
                "UPDATE " + orders.production() + " SET code = 'x' WHERE order_id = 103");

        List<CheckResult> results = validate(orders.merged("clean"));

        assertThat(results).extracting(CheckResult::getCheck)
                .containsExactly("STAGED_COUNT", "MISSING", "EXTRA", "STALE", "CONTENTS", "OUTSIDE_WINDOW", "SOURCE");
        assertThat(failed(results)).isEmpty();
        Map<String, CheckResult> checks = byCheck(results);
        assertThat(checks.get("STAGED_COUNT").getActual()).isEqualTo("2000");
        assertThat(checks.get("SOURCE").getExpected()).isEqualTo("2000");
        assertThat(checks.get("SOURCE").getInFlight()).isZero();
    }

    @Test
    void cleanRunPassesWhileOtherRowsAndNewerVersionsAreUpdatedConcurrently() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong updates = new AtomicLong();
        CompletableFuture<Void> cdc = CompletableFuture.runAsync(() -> {
            try (Connection connection = db1().getConnection(); Statement statement = connection.createStatement()) {
                for (long i = 0; running.get(); i++) {
                    long key = 2 + (i * 2 % 4000);
                    // rows outside the window, and staged keys replaced by a newer CDC version with other contents
                    statement.executeUpdate("UPDATE " + orders.production() + " SET amount = amount + 1, updated_at = updated_at + interval '1 second' WHERE order_id = " + key);
                    statement.executeUpdate("UPDATE " + orders.production() + " SET note = 'cdc " + i + "', updated_at = timestamp '2026-03-01' + " + i
                            + " * interval '1 ms' WHERE order_id = " + (key + 1));
                    updates.incrementAndGet();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            for (int run = 0; run < 5; run++) {
                assertThat(failed(validate(orders.merged("concurrent-" + run)))).isEmpty();
            }
        } finally {
            running.set(false);
            cdc.join();
        }
        assertThat(updates.get()).isPositive();
    }

    @Test
    void missingRowIsNamed() throws SQLException {
        execute(db1(), "DELETE FROM " + orders.production() + " WHERE order_id IN (1001, 1003)");

        List<CheckResult> results = validate(orders.merged("missing"));

        assertThat(failed(results)).containsExactly("MISSING");
        assertThat(byCheck(results).get("MISSING").getActual()).isEqualTo("2");
        assertThat(byCheck(results).get("MISSING").getSampleKeys()).containsExactly("1001", "1003");
    }

    @Test
    void aCheckKeepsItsOffendingKeysUpToSampleKeysPlusRepairKeysAndItsEventNamesTheSample() throws SQLException {
        // 30 missing keys, 30 stale, 30 differing, 30 extra; 5 sample keys and 10 repair keys: 15 kept of each
        execute(db1(), "DELETE FROM " + orders.production() + " WHERE order_id BETWEEN 1 AND 59",
                "UPDATE " + orders.production() + " SET updated_at = updated_at - interval '1 hour' WHERE order_id BETWEEN 601 AND 659 AND order_id % 2 = 1",
                "UPDATE " + orders.production() + " SET note = 'damaged' WHERE order_id BETWEEN 201 AND 259 AND order_id % 2 = 1",
                "INSERT INTO " + orders.production() + " (order_id, customer_id, updated_at)"
                        + " SELECT g, 1, timestamp '2026-01-20 00:00:00' FROM generate_series(9001, 9030) g");
        Validator validator = new Validator(db1(), Optional.empty(), name -> Optional.empty(),
                new CheckSettings(5, 100, 4, 8, Duration.ZERO, Duration.ZERO, 10));

        Map<String, CheckReport> reports = validator.report(orders.merged("kept")).stream()
                .collect(Collectors.toMap(r -> r.result().getCheck(), r -> r));

        Map<String, Integer> firstKey = Map.of("MISSING", 1, "STALE", 601, "CONTENTS", 201);
        firstKey.forEach((check, first) -> {
            List<String> expected = IntStream.range(0, 15).mapToObj(i -> String.valueOf(first + 2 * i)).toList();
            assertThat(reports.get(check).result().getActual()).isEqualTo("30");
            assertThat(reports.get(check).keys()).as(check).containsExactlyElementsOf(expected);
            assertThat(reports.get(check).result().getSampleKeys()).as(check).containsExactlyElementsOf(expected.subList(0, 5));
            // past the cap, ranges that hold every offender, and not the whole table
            assertThat(IntStream.range(0, 30).map(i -> first + 2 * i)).as(check)
                    .allMatch(key -> inside(key, reports.get(check).ranges()));
            assertThat(IntStream.rangeClosed(1, 2000).filter(key -> inside(key, reports.get(check).ranges())).count()).as(check).isLessThan(1000);
        });
        assertThat(reports.get("EXTRA").result().getActual()).isEqualTo("30");
        assertThat(reports.get("EXTRA").keys()).containsExactlyElementsOf(IntStream.range(9001, 9016).mapToObj(String::valueOf).toList());
        assertThat(reports.get("EXTRA").result().getSampleKeys()).containsExactly("9001", "9002", "9003", "9004", "9005");
        assertThat(IntStream.rangeClosed(9001, 9030)).allMatch(key -> inside(key, reports.get("EXTRA").ranges()));
        assertThat(reports.get("STAGED_COUNT").keys()).isEmpty();
        assertThat(reports.get("STAGED_COUNT").ranges()).isEmpty();
    }

    /** The SOURCE check of a run validated with 5 sample keys and {@code repairKeys} more kept. */
    private CheckReport sourceCheck(String requestId, int repairKeys) throws SQLException {
        Validator validator = new Validator(db1(), Optional.of(source()), name -> Optional.empty(),
                new CheckSettings(5, 100, 4, 8, Duration.ZERO, Duration.ZERO, repairKeys));
        return validator.report(orders.merged(requestId)).stream()
                .filter(r -> r.result().getCheck().equals("SOURCE")).findFirst().orElseThrow();
    }

    /** Whether the bigint key is in one of the half-open ranges (null bounds unbounded). */
    private static boolean inside(long key, List<KeyRange> ranges) {
        return ranges.stream().anyMatch(r -> (r.lo() == null || Long.parseLong(r.lo()) <= key) && (r.hi() == null || key < Long.parseLong(r.hi())));
    }

    @Test
    void staleRowIsNamed() throws SQLException {
        execute(db1(), "UPDATE " + orders.production() + " SET updated_at = updated_at - interval '1 hour', amount = 0 WHERE order_id = 777",
                "UPDATE " + orders.production() + " SET updated_at = NULL WHERE order_id = 779");

        List<CheckResult> results = validate(orders.merged("stale"));

        assertThat(failed(results)).containsExactly("STALE");
        assertThat(byCheck(results).get("STALE").getSampleKeys()).containsExactly("777", "779");
    }

    @Test
    void changedValuesAreNamedDownToTheExactKeys() throws SQLException {
        execute(db1(), "UPDATE " + orders.production() + " SET amount = amount + 0.01 WHERE order_id = 11",
                "UPDATE " + orders.production() + " SET note = 'changed' WHERE order_id = 1501",
                "UPDATE " + orders.production() + " SET created_at = created_at + interval '1 microsecond' WHERE order_id = 2999",
                "UPDATE " + orders.production() + " SET note = NULL WHERE order_id = 3997");

        List<CheckResult> results = validate(orders.merged("contents"));

        assertThat(failed(results)).containsExactly("CONTENTS");
        CheckResult contents = byCheck(results).get("CONTENTS");
        assertThat(contents.getActual()).isEqualTo("4");
        assertThat(contents.getSampleKeys()).containsExactly("11", "1501", "2999", "3997");
        assertThat(contents.getDifferences()).extracting(d -> d.getKey() + " " + d.getColumns())
                .containsExactly("11 [amount]", "1501 [note]", "2999 [created_at]", "3997 [note]");
        CheckReport report = validator(name -> Optional.empty()).report(orders.merged("contents-values")).stream()
                .filter(r -> r.result().getCheck().equals("CONTENTS")).findFirst().orElseThrow();
        assertThat(report.values()).filteredOn(v -> v.key().equals("11")).singleElement()
                .satisfies(v -> assertThat(v.source() + " -> " + v.production()).isEqualTo("2.75 -> 2.76"));
    }

    @Test
    void everyRowDifferingIsCountedExactlyWhileOnlyTheFirstAreNarrowedDownInAFewQueriesPerLevel() throws SQLException {
        execute(db1(), "UPDATE " + orders.staging() + " SET amount = amount + 0.01");
        CountingDataSource counting = new CountingDataSource(db1());
        // 2,000 differing rows, 25 narrowed down to their keys at most
        Validator validator = new Validator(counting.dataSource(), Optional.empty(), name -> Optional.empty(),
                new CheckSettings(5, 100, 4, 8, Duration.ZERO, Duration.ZERO, 20));

        Map<String, CheckReport> reports = validator.report(orders.merged("all-different")).stream()
                .collect(Collectors.toMap(r -> r.result().getCheck(), r -> r));

        CheckResult contents = reports.get("CONTENTS").result();
        assertThat(contents.getPassed()).isFalse();
        assertThat(contents.getActual()).isEqualTo("2000");
        assertThat(contents.getSampleKeys()).containsExactly("1", "3", "5", "7", "9");
        assertThat(reports.get("CONTENTS").detail()).startsWith("2000 rows differ: the first ").contains("sample-keys + repair-keys reached");
        // value by value: the rows of the few narrowed ranges only, not the 2,000
        long compared = Long.parseLong(reports.get("CONTENTS").detail().replaceAll(".*the first (\\d+) compared.*", "$1"));
        assertThat(compared).isBetween(25L, 25L + 8 * 4);
        // two queries per level, not one per range: a handful besides the levels (catalog, layout, first pass, listing)
        assertThat(counting.splitQueries()).isBetween(1L, 6L);
        assertThat(counting.queries()).isLessThanOrEqualTo(10 + 2 * counting.splitQueries());
    }

    @Test
    void manyNarrowedRangesAreDigestedAndListedThroughTheBucketLookup() throws SQLException {
        execute(db1(), "UPDATE " + orders.staging() + " SET amount = amount + 0.01");
        // about 1,000 differing rows narrowed down: leaves of at most 8 rows, far more ranges than key-range predicates
        Validator validator = new Validator(db1(), Optional.empty(), name -> Optional.empty(),
                new CheckSettings(5, 100, 4, 8, Duration.ZERO, Duration.ZERO, 1_000));

        CheckReport contents = validator.report(orders.merged("many-ranges")).stream()
                .filter(r -> r.result().getCheck().equals("CONTENTS")).findFirst().orElseThrow();

        assertThat(contents.result().getActual()).isEqualTo("2000");
        assertThat(contents.result().getSampleKeys()).containsExactly("1", "3", "5", "7", "9");
        long compared = Long.parseLong(contents.detail().replaceAll(".*the first (\\d+) compared.*", "$1"));
        assertThat(compared).isBetween(1_005L, 1_005L + 100);
    }

    @Test
    void sourceRangesPastTheCapFailTheSourceCheckSayingTheyWereNotCompared() throws SQLException {
        execute(db1(), "UPDATE " + orders.staging() + " SET amount = amount + 0.01");
        CheckReport sourceCheck = sourceCheck("all-different-source", 20);

        assertThat(sourceCheck.result().getPassed()).isFalse();
        // keys of the ranges compared key by key
        assertThat(sourceCheck.result().getSampleKeys()).hasSize(5);
        assertThat(sourceCheck.detail()).contains("more key ranges differ from the source beyond the first").contains("not compared");
    }

    @Test
    void rowOutsideTheWindowThatLeakedIntoStagingIsNamed() throws SQLException {
        execute(db1(), "INSERT INTO " + orders.staging() + " (order_id, customer_id, updated_at) VALUES (9001, 1, timestamp '2026-02-01 00:00:00')",
                "INSERT INTO " + orders.staging() + " (order_id, customer_id, updated_at) VALUES (9003, 1, NULL)");

        List<CheckResult> results = validate(orders.merged("leak"));

        CheckResult outside = byCheck(results).get("OUTSIDE_WINDOW");
        assertThat(outside.getPassed()).isFalse();
        assertThat(outside.getActual()).isEqualTo("2");
        assertThat(outside.getSampleKeys()).containsExactly("9001", "9003");
        assertThat(failed(results)).containsExactly("OUTSIDE_WINDOW");
    }

    @Test
    void stagedCountThatDiffersFromFullLoadRowsIsNamed() throws SQLException {
        List<CheckResult> results = validate(orders.merged("count", 2001));

        assertThat(failed(results)).containsExactly("STAGED_COUNT");
        assertThat(byCheck(results).get("STAGED_COUNT").getExpected()).isEqualTo("2001");
        assertThat(byCheck(results).get("STAGED_COUNT").getActual()).isEqualTo("2000");
    }

    @Test
    void sourceRowsChangedAfterTheLoadStartedAreInFlightButOtherSourceDifferencesFail() throws SQLException {
        execute(source(),
                // CDC after the load: moved out of the window, and deleted
                "UPDATE " + orders.sourceTable() + " SET amount = 1, updated_at = timestamp '2026-02-01 07:00:00' WHERE order_id = 201",
                "DELETE FROM " + orders.sourceTable() + " WHERE order_id = 203",
                // changed before the load started, so the load must have seen it
                "UPDATE " + orders.sourceTable() + " SET note = 'before load' WHERE order_id = 205");
        // CDC applied the delete to production too
        execute(db1(), "DELETE FROM " + orders.production() + " WHERE order_id = 203");

        CheckResult sourceCheck = byCheck(validate(orders.merged("source"))).get("SOURCE");

        assertThat(sourceCheck.getPassed()).isFalse();
        assertThat(sourceCheck.getSampleKeys()).containsExactly("205");
        assertThat(sourceCheck.getInFlight()).isEqualTo(2);
        assertThat(sourceCheck.getExpected()).isEqualTo("1998");
    }

    @Test
    void sourceRowsCdcChangedAfterTheLoadInEveryKeyRangeAreInFlightWithoutBisectingTheSource() throws SQLException {
        // a row of every 100-row range moved out of the window after the load started, as steady CDC does to a window
        execute(source(), "UPDATE " + orders.sourceTable() + " SET amount = amount + 1, updated_at = timestamp '2026-02-01 07:00:00'"
                + " WHERE order_id % 200 = 1");
        CountingDataSource counting = new CountingDataSource(source());
        Validator validator = new Validator(db1(), Optional.of(counting.dataSource()), name -> Optional.empty(), SETTINGS);

        CheckResult sourceCheck = byCheck(validator.validate(orders.merged("cdc-everywhere"))).get("SOURCE");

        assertThat(sourceCheck.getPassed()).isTrue();
        assertThat(sourceCheck.getInFlight()).isEqualTo(20);
        assertThat(sourceCheck.getExpected()).isEqualTo("1980");
        // their staged copies were left out of the digests: no range mismatched, none was split
        assertThat(counting.splitQueries()).isZero();
    }

    @Test
    void aRowTheSourceDeletedAfterTheLoadThatProductionStillHoldsFailsWithTheReasonUnlessCdcDeletesItMeanwhile() throws Exception {
        // 203: the source deleted it after the load read it, and production still has it (CDC's delete found no row,
        // then the merge inserted the load's copy); 207: deleted in the source, CDC's delete reaches production while
        // validation waits its confirm delay
        execute(source(), "DELETE FROM " + orders.sourceTable() + " WHERE order_id IN (203, 207)");
        CompletableFuture<Void> cdc = CompletableFuture.runAsync(() -> {
            try {
                execute(db1(), "DELETE FROM " + orders.production() + " WHERE order_id = 207");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS));

        List<CheckReport> reports = validator(name -> Optional.empty()).report(orders.merged("resurrected"));
        cdc.get();

        CheckReport source = reports.stream().filter(r -> r.result().getCheck().equals("SOURCE")).findFirst().orElseThrow();
        assertThat(source.result().getPassed()).isFalse();
        assertThat(source.result().getSampleKeys()).containsExactly("203");
        assertThat(source.result().getInFlight()).isOne();
        assertThat(source.detail()).startsWith("1 key(s) the source deleted after the load read them are still in production [203]")
                .contains("CDC's delete found no row there");
        assertThat(source.result().getDetail()).isEqualTo(source.detail());
    }

    @Test
    void theSourceCheckKeepsItsDifferingKeysUpToSampleKeysPlusRepairKeys() throws SQLException {
        execute(source(), "UPDATE " + orders.sourceTable() + " SET note = 'changed' WHERE order_id BETWEEN 401 AND 459 AND order_id % 2 = 1");
        CheckReport sourceCheck = sourceCheck("source-kept", 10);

        assertThat(sourceCheck.result().getPassed()).isFalse();
        assertThat(sourceCheck.keys()).hasSize(15).allSatisfy(key -> assertThat(Integer.parseInt(key)).isBetween(401, 459).isOdd());
        assertThat(sourceCheck.result().getSampleKeys()).containsExactlyElementsOf(sourceCheck.keys().subList(0, 5));
    }

    @Test
    void sourceRowsMissedByTheLoadFail() throws SQLException {
        execute(db1(), "DELETE FROM " + orders.staging() + " WHERE order_id = 301");

        List<CheckResult> results = validate(orders.merged("missed", 1999));

        // production still has the row the load missed: EXTRA from that side
        assertThat(failed(results)).containsExactly("EXTRA", "SOURCE");
        assertThat(byCheck(results).get("SOURCE").getSampleKeys()).containsExactly("301");
        assertThat(byCheck(results).get("EXTRA").getSampleKeys()).containsExactly("301");
    }

    @Test
    void productionRowsOfTheWindowWithoutAStagedRowAreExtraAndTheSourceSaysWhereTheyComeFrom() throws SQLException {
        orders.withChangeLog();
        execute(db1(), "DELETE FROM " + orders.staging() + " WHERE order_id = 301",
                "INSERT INTO " + orders.production() + " (order_id, customer_id, updated_at) VALUES (9001, 1, timestamp '2026-01-20 00:00:00'),"
                        + " (9003, 1, timestamp '2026-01-21 00:00:00'), (9005, 1, timestamp '2026-01-22 00:00:00'),"
                        // outside the window: not this run's business
                        + " (9007, 1, timestamp '2026-02-22 00:00:00')",
                // CDC inserted 9003 after the load started; it updated 9005 long before
                "INSERT INTO " + orders.changeLog() + " VALUES (9003, 'I', timestamptz '2026-02-01 06:00:01+00'),"
                        + " (9005, 'U', timestamptz '2026-01-22 00:00:00+00')");

        List<CheckReport> reports = validator(name -> Optional.empty()).report(orders.merged("extra", 1999));

        CheckReport extra = reports.stream().filter(r -> r.result().getCheck().equals("EXTRA")).findFirst().orElseThrow();
        assertThat(extra.result().getPassed()).isFalse();
        assertThat(extra.result().getActual()).isEqualTo("3");
        assertThat(extra.result().getSampleKeys()).containsExactly("301", "9001", "9005");
        assertThat(extra.result().getInFlight()).isEqualTo(1);
        assertThat(extra.detail()).contains("3 production rows in the window without a staged row")
                .contains("1 in the source (the load missed it or it moved) [301]")
                .contains("2 not in the source (deleted there and the delete never reached production, or never there) [9001, 9005]")
                .contains("1 production key was inserted or updated by CDC after the load started: in flight");
    }

    @Test
    void extraRowsWithoutASourceAreNamedWithoutSayingWhereTheyComeFrom() throws SQLException {
        execute(db1(), "INSERT INTO " + orders.production() + " (order_id, customer_id, updated_at) VALUES (9001, 1, timestamp '2026-01-20 00:00:00')");

        List<CheckReport> reports = new Validator(db1(), Optional.empty(), name -> Optional.empty(), SETTINGS).report(orders.merged("extra-alone"));

        assertThat(reports).filteredOn(r -> !r.result().getPassed()).singleElement().satisfies(extra -> {
            assertThat(extra.result().getCheck()).isEqualTo("EXTRA");
            assertThat(extra.result().getSampleKeys()).containsExactly("9001");
            assertThat(extra.detail()).isEqualTo("1 production row in the window without a staged row");
        });
    }

    @Test
    void stagedKeysCdcDeletedFromProductionAfterTheLoadStartedAreInFlightNotMissing() throws SQLException {
        orders.withChangeLog();
        execute(db1(), "DELETE FROM " + orders.production() + " WHERE order_id IN (1001, 1003, 1005, 1007)",
                "INSERT INTO " + orders.changeLog() + " VALUES (1001, 'D', timestamptz '2026-02-01 07:00:00+00'),"
                        // 5 s before the load start: within the default clock-skew allowance of 10 s
                        + " (1003, 'D', timestamptz '2026-02-01 05:59:55+00'),"
                        // deleted a minute before the load started: the load should not have seen it
                        + " (1005, 'D', timestamptz '2026-02-01 05:59:00+00'),"
                        // only updated after the load started: its absence is not explained
                        + " (1007, 'U', timestamptz '2026-02-01 07:00:00+00')");

        List<CheckReport> reports = validator(name -> Optional.empty()).report(orders.merged("cdc-deleted"));

        assertThat(reports).filteredOn(r -> !r.result().getPassed()).singleElement().satisfies(missing -> {
            assertThat(missing.result().getCheck()).isEqualTo("MISSING");
            assertThat(missing.result().getActual()).isEqualTo("2");
            assertThat(missing.result().getSampleKeys()).containsExactly("1005", "1007");
            assertThat(missing.result().getInFlight()).isEqualTo(2);
            assertThat(missing.detail()).isEqualTo("2 staged keys were deleted from production by CDC after the load started: in flight, not missing");
        });

        // without the allowance the delete 5 s before the load start is a failure
        Validator noSkew = new Validator(db1(), Optional.of(source()), name -> Optional.empty(),
                new CheckSettings(SETTINGS.sampleKeys(), SETTINGS.bucketRows(), SETTINGS.fanout(), SETTINGS.leafRows(), Duration.ZERO, Duration.ZERO, SETTINGS.repairKeys()));
        CheckResult missing = byCheck(noSkew.validate(orders.merged("cdc-deleted-no-skew"))).get("MISSING");
        assertThat(missing.getSampleKeys()).containsExactly("1003", "1005", "1007");
        assertThat(missing.getInFlight()).isEqualTo(1);
    }

    @Test
    void runWithoutAWindowComparesRowsWhoseWindowValueIsNullOnBothSides() throws SQLException {
        execute(db1(), "INSERT INTO " + orders.staging() + " (order_id, customer_id, amount, note, code, created_at, updated_at) SELECT * FROM "
                        + orders.production() + " WHERE order_id % 2 = 0",
                "UPDATE " + orders.staging() + " SET updated_at = NULL WHERE order_id IN (42, 44)",
                "UPDATE " + orders.production() + " SET updated_at = NULL WHERE order_id IN (42, 44)",
                "UPDATE " + orders.production() + " SET note = 'changed' WHERE order_id = 42");

        List<CheckResult> results = new Validator(db1(), Optional.empty(), name -> Optional.empty(), SETTINGS).validate(fullLoad("nulls", 4000));

        assertThat(failed(results)).containsExactly("CONTENTS");
        assertThat(byCheck(results).get("CONTENTS").getSampleKeys()).containsExactly("42");
    }

    @Test
    void runWithoutAWindowReportsEveryProductionRowWithoutAStagedRowAsExtra() throws SQLException {
        execute(db1(), "INSERT INTO " + orders.staging() + " (order_id, customer_id, amount, note, code, created_at, updated_at) SELECT * FROM "
                + orders.production() + " WHERE order_id % 2 = 0 AND order_id NOT IN (2, 3000)");

        List<CheckResult> results = new Validator(db1(), Optional.empty(), name -> Optional.empty(), SETTINGS).validate(fullLoad("whole", 3998));

        assertThat(failed(results)).containsExactly("EXTRA");
        assertThat(byCheck(results).get("EXTRA").getActual()).isEqualTo("2");
        assertThat(byCheck(results).get("EXTRA").getSampleKeys()).containsExactly("2", "3000");
    }

    /** A FULL_LOAD run of the whole table: no window. */
    private MergeCompleted fullLoad(String requestId, long rows) {
        return MergeCompleted.newBuilder(orders.merged(requestId, rows)).setKind(TaskKind.FULL_LOAD).setWindow(null).build();
    }

    @Test
    void multiStageViewRowMissingFromTheFinalTableIsNamed() throws SQLException {
        String p = orders.prefix;
        execute(db1(), "CREATE TABLE " + p + "_staging.customers (customer_id bigint PRIMARY KEY, name text)",
                "INSERT INTO " + p + "_staging.customers SELECT g, 'customer ' || g FROM generate_series(0, 96) g",
                "CREATE VIEW " + p + "_staging.orders_enriched_v AS SELECT o.order_id, o.amount, o.updated_at, c.name AS customer_name FROM "
                        + orders.staging() + " o JOIN " + p + "_staging.customers c ON c.customer_id = o.customer_id",
                "CREATE TABLE " + p + "_production.orders_enriched (order_id bigint PRIMARY KEY, amount numeric(10,2), updated_at timestamp, customer_name text)",
                "INSERT INTO " + p + "_production.orders_enriched SELECT * FROM " + p + "_staging.orders_enriched_v");
        MultiStageDefinition definition = new MultiStageDefinition("orders_enriched", "orders", null, null,
                new MultiStageDefinition.View(new QualifiedName(p + "_staging", "orders_enriched_v"), List.of(), List.of()),
                new MultiStageDefinition.FinalTable(new QualifiedName(p + "_production", "orders_enriched"), List.of("order_id"), Optional.of("updated_at")), false);
        MergeCompleted run = MergeCompleted.newBuilder(orders.merged("multi")).setKind(TaskKind.MULTI_STAGE).setMultiStage("orders_enriched").build();
        Validator validator = validator(name -> name.equals("orders_enriched") ? Optional.of(definition) : Optional.empty());

        assertThat(failed(validator.validate(run))).isEmpty();

        execute(db1(), "DELETE FROM " + p + "_production.orders_enriched WHERE order_id = 55");
        List<CheckResult> results = validator.validate(run);

        assertThat(failed(results)).containsExactly("FINAL_COUNT", "FINAL_MISSING");
        assertThat(byCheck(results).get("FINAL_MISSING").getSampleKeys()).containsExactly("55");
        assertThat(byCheck(results).get("FINAL_MISSING").getTable()).isEqualTo(p + "_production.orders_enriched");
    }

    @Test
    void compositeKeysAreComparedAndReported() throws SQLException {
        String p = orders.prefix;
        execute(db1(), "CREATE TABLE " + p + "_production.lines (order_id bigint, line_no int, qty int, updated_at timestamptz, PRIMARY KEY (order_id, line_no))",
                "INSERT INTO " + p + "_production.lines SELECT g / 3, g % 3, g, timestamptz '2026-01-05 00:00:00+00' + g * interval '1 second' FROM generate_series(0, 2999) g",
                "CREATE TABLE " + p + "_staging.lines (LIKE " + p + "_production.lines)",
                "INSERT INTO " + p + "_staging.lines SELECT * FROM " + p + "_production.lines",
                "UPDATE " + p + "_production.lines SET qty = -1 WHERE order_id = 500 AND line_no = 2");
        TableMergeResult lines = TableMergeResult.newBuilder(orders.merged("x").getTables().get(0))
                .setTable(TableRef.newBuilder(orders.tableRef()).setName("lines").setStagingTable("lines").setTargetTable("lines")
                        .setKeyColumns(List.of("order_id", "line_no")).build())
                .setFullLoadRows(3000).setStagedRows(3000).build();
        MergeCompleted run = MergeCompleted.newBuilder(orders.merged("composite")).setTables(List.of(lines)).setLoadStartedAt(null).build();

        List<CheckResult> results = new Validator(db1(), Optional.empty(), name -> Optional.empty(), SETTINGS).validate(run);

        assertThat(failed(results)).containsExactly("CONTENTS");
        assertThat(byCheck(results).get("CONTENTS").getSampleKeys()).containsExactly("(500, 2)");
    }

    @Test
    void compositeExtraKeysAreLookedUpInTheSourceByEveryKeyColumn() throws SQLException {
        String p = orders.prefix;
        String lines = "(order_id bigint, line_no int, qty int, updated_at timestamptz, PRIMARY KEY (order_id, line_no))";
        String rows = "SELECT g / 3, g % 3, g, timestamptz '2026-01-05 00:00:00+00' + g * interval '1 second' FROM generate_series(0, 2999) g";
        execute(db1(), "CREATE TABLE " + p + "_production.lines " + lines, "INSERT INTO " + p + "_production.lines " + rows,
                "CREATE TABLE " + p + "_staging.lines (LIKE " + p + "_production.lines)",
                "INSERT INTO " + p + "_staging.lines SELECT * FROM " + p + "_production.lines WHERE (order_id, line_no) NOT IN ((500, 1), (700, 2))",
                // production only: (800, 7) was never in the source
                "INSERT INTO " + p + "_production.lines VALUES (800, 7, 1, timestamptz '2026-01-20 00:00:00+00')");
        // the source has (500, 1) and (700, 2), which the load missed, and line 7 of another order
        execute(source(), "CREATE TABLE " + p + "_source.lines " + lines, "INSERT INTO " + p + "_source.lines " + rows,
                "INSERT INTO " + p + "_source.lines VALUES (801, 7, 1, timestamptz '2026-01-20 00:00:00+00')");
        TableMergeResult merged = TableMergeResult.newBuilder(orders.merged("x").getTables().get(0))
                .setTable(TableRef.newBuilder(orders.tableRef()).setName("lines").setSourceTable("LINES").setStagingTable("lines").setTargetTable("lines")
                        .setKeyColumns(List.of("order_id", "line_no")).build())
                .setFullLoadRows(2998).setStagedRows(2998).build();
        MergeCompleted run = MergeCompleted.newBuilder(orders.merged("composite-extra")).setTables(List.of(merged)).build();

        CheckReport extra = validator(name -> Optional.empty()).report(run).stream()
                .filter(r -> r.result().getCheck().equals("EXTRA")).findFirst().orElseThrow();

        assertThat(extra.result().getSampleKeys()).containsExactly("(500, 1)", "(700, 2)", "(800, 7)");
        assertThat(extra.detail()).isEqualTo("3 production rows in the window without a staged row; "
                + "2 in the source (the load missed them or they moved) [(500, 1), (700, 2)], "
                + "1 not in the source (deleted there and the delete never reached production, or never there) [(800, 7)]");
    }

    @Test
    void namesThatAreNotPlainOrDoNotExistAreRejectedBeforeAnyQuery() {
        MergeCompleted injected = orders.merged("bad");
        injected.getTables().get(0).getTable().setTargetTable("orders; DROP TABLE x");
        assertThatThrownBy(() -> validate(injected)).isInstanceOf(InvalidRunException.class).hasMessageContaining("not a plain identifier");

        MergeCompleted unknown = orders.merged("unknown");
        unknown.getTables().get(0).getTable().setStagingTable("no_such_table");
        assertThatThrownBy(() -> validate(unknown)).isInstanceOf(InvalidRunException.class)
                .hasMessage("staging table of orders vit_staging.no_such_table does not exist");

        MergeCompleted badKey = orders.merged("key");
        badKey.getTables().get(0).getTable().setKeyColumns(List.of("id"));
        assertThatThrownBy(() -> validate(badKey)).isInstanceOf(InvalidRunException.class).hasMessage("vit_staging.orders has no column id");
    }
}
