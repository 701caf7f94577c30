package dev.dmsflow.validation.check;

import static dev.dmsflow.validation.check.OrdersFixture.db1;
import static dev.dmsflow.validation.check.OrdersFixture.execute;
import static dev.dmsflow.validation.check.OrdersFixture.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.MergeCompleted;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SOURCE check's cross-engine path (canonical text on both sides, as against an Oracle source) run end to end on
 * PostgreSQL: a PostgreSQL source compared through {@link PostgresCanonical} on both sides, digests per key range,
 * bisection, leaf rows key by key.
 */
class CanonicalSourceIT {

    // small ranges so that 2,000 staged rows take several bisection levels; no confirm delay
    private static final CheckSettings SETTINGS = new CheckSettings(10, 100, 4, 8, Duration.ZERO, Duration.ZERO, 100);

    private final OrdersFixture orders = new OrdersFixture("cst", 2000);

    private CheckResult sourceCheck(String requestId, long fullLoadRows) throws SQLException {
        return sourceCheck(orders.merged(requestId, fullLoadRows));
    }

    private static CheckResult sourceCheck(MergeCompleted run) throws SQLException {
        return new Validator(db1(), Optional.of(source()), name -> Optional.empty(), SETTINGS, true).validate(run)
                .stream().filter(r -> r.getCheck().equals(CheckNames.SOURCE)).findFirst().orElseThrow();
    }

    @BeforeEach
    void tables() throws SQLException {
        orders.create();
    }

    @Test
    void cleanRunPassesWithRepresentationDifferencesNormalised() throws SQLException {
        // another scale, '' against NULL and char padding are no differences
        execute(db1(), "ALTER TABLE " + orders.staging() + " ALTER COLUMN amount TYPE numeric(12,4)",
                "UPDATE " + orders.staging() + " SET note = '' WHERE order_id = 101",
                "UPDATE " + orders.staging() + " SET code = 'x   ' WHERE order_id = 103");
        execute(source(), "UPDATE " + orders.sourceTable() + " SET note = NULL WHERE order_id = 101",
                "UPDATE " + orders.sourceTable() + " SET code = 'x' WHERE order_id = 103");

        CheckResult result = sourceCheck("clean", 2000);

        assertThat(result.getPassed()).isTrue();
        assertThat(result.getExpected()).isEqualTo("2000");
        assertThat(result.getActual()).isEqualTo("2000");
        assertThat(result.getInFlight()).isZero();
    }

    @Test
    void plantedDifferencesAreNamedDownToTheExactKeysAndChangesAfterTheLoadAreInFlight() throws SQLException {
        execute(source(), "UPDATE " + orders.sourceTable() + " SET amount = amount + 0.01 WHERE order_id = 11",
                "UPDATE " + orders.sourceTable() + " SET note = 'changed' WHERE order_id = 1501",
                "UPDATE " + orders.sourceTable() + " SET created_at = created_at + interval '1 microsecond' WHERE order_id = 2999",
                "UPDATE " + orders.sourceTable() + " SET note = NULL WHERE order_id = 3997",
                // CDC after the load started: moved out of the window
                "UPDATE " + orders.sourceTable() + " SET amount = 1, updated_at = timestamp '2026-02-01 07:00:00' WHERE order_id = 201",
                // deleted after the load read it: in flight once production lacks it (205), a failure while production holds it (203)
                "DELETE FROM " + orders.sourceTable() + " WHERE order_id IN (203, 205)");
        execute(db1(), "DELETE FROM " + orders.production() + " WHERE order_id = 205");
        // the load missed 301
        execute(db1(), "DELETE FROM " + orders.staging() + " WHERE order_id = 301");

        CheckResult result = sourceCheck("planted", 1999);

        assertThat(result.getPassed()).isFalse();
        assertThat(result.getSampleKeys()).containsExactlyInAnyOrder("11", "203", "301", "1501", "2999", "3997");
        assertThat(result.getInFlight()).isEqualTo(2);
        assertThat(result.getExpected()).isEqualTo("1997");
    }

    @Test
    void aCompositeKeyLedByATimestampIsComparedAndNamedInCanonicalText() throws SQLException {
        execute(source(), "UPDATE " + orders.sourceTable() + " SET note = 'changed' WHERE order_id = 1501",
                "DELETE FROM " + orders.sourceTable() + " WHERE order_id = 203");
        MergeCompleted run = orders.merged("composite", 2000);
        // created_at (timestamptz, microseconds) leads: ranges bounded by times, keys rendered in UTC
        run.getTables().get(0).getTable().setKeyColumns(List.of("created_at", "order_id"));

        CheckResult result = sourceCheck(run);

        assertThat(result.getPassed()).isFalse();
        // 203: deleted in the source after the load, still in production; found there by its canonical key text
        assertThat(result.getSampleKeys()).containsExactlyInAnyOrder("(2025-05-31T22:25:01.123456, 1501)", "(2025-05-31T22:03:23.123456, 203)");
    }

    @Test
    void aColumnWithoutACanonicalFormIsRefused() throws SQLException {
        execute(db1(), "ALTER TABLE " + orders.staging() + " ADD COLUMN token uuid");
        execute(source(), "ALTER TABLE " + orders.sourceTable() + " ADD COLUMN token uuid");

        assertThatThrownBy(() -> sourceCheck("uuid", 2000)).isInstanceOf(InvalidRunException.class)
                .hasMessageContaining("column token of type uuid has no canonical form");
    }
}
