package dev.dmsflow.merge.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmsflow.contracts.catalog.QualifiedName;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MergeStatementsTest {

    private static final QualifiedName LOG = new QualifiedName("dmsflow_changes", "production__orders");

    private static TableShape orders(Optional<String> window, boolean identity) {
        return new TableShape(new QualifiedName("staging", "orders"), new QualifiedName("production", "orders"),
                List.of("order_id", "amount", "updated_at"), List.of("order_id"), window, "timestamp",
                true, true, identity);
    }

    @Test
    void oneStatementUpdatesNewerRowsInsertsMissingKeysAndLeavesKeysCdcChangedSinceTheWatermark() {
        String sql = new MergeStatements(orders(Optional.of("updated_at"), false), true, LOG).merge(null, true, KeyAccess.RANGE);

        String window = "(SELECT s.\"order_id\", s.\"amount\", s.\"updated_at\" FROM \"staging\".\"orders\" s"
                + " WHERE s.\"updated_at\" >= ? AND s.\"updated_at\" < ?) s";
        String unchanged = " AND NOT EXISTS (SELECT 1 FROM \"dmsflow_changes\".\"production__orders\" c"
                + " WHERE c.\"order_id\" = s.\"order_id\" AND c.\"dmsflow_changed_at\" >= ?)";
        assertThat(sql).isEqualTo("WITH updated AS (UPDATE \"production\".\"orders\" p"
                + " SET \"amount\" = s.\"amount\", \"updated_at\" = s.\"updated_at\" FROM " + window
                + " WHERE p.\"order_id\" = s.\"order_id\" AND p.\"order_id\" BETWEEN ? AND ?"
                + " AND (s.\"updated_at\" IS NOT NULL AND (p.\"updated_at\" IS NULL OR s.\"updated_at\" > p.\"updated_at\"))"
                + unchanged + " RETURNING 1),"
                + " inserted AS (INSERT INTO \"production\".\"orders\" (\"order_id\", \"amount\", \"updated_at\")"
                + " SELECT s.\"order_id\", s.\"amount\", s.\"updated_at\" FROM " + window
                + " WHERE NOT EXISTS (SELECT 1 FROM \"production\".\"orders\" p WHERE p.\"order_id\" = s.\"order_id\""
                + " AND p.\"order_id\" BETWEEN ? AND ?)" + unchanged
                + " ON CONFLICT (\"order_id\") DO NOTHING RETURNING 1)"
                + " SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM updated)");
    }

    @Test
    void theKeyListFormLooksTheStagedKeysUpInTheTargetOnceAndWritesAsTheRangeFormDoes() {
        MergeStatements statements = new MergeStatements(orders(Optional.of("updated_at"), false), true, LOG);
        String sql = statements.merge(null, false, KeyAccess.KEY_LIST);

        String window = "(SELECT s.\"order_id\", s.\"amount\", s.\"updated_at\" FROM \"staging\".\"orders\" s"
                + " WHERE s.\"updated_at\" >= ? AND s.\"updated_at\" < ?) s";
        String unchanged = " AND NOT EXISTS (SELECT 1 FROM \"dmsflow_changes\".\"production__orders\" c"
                + " WHERE c.\"order_id\" = s.\"order_id\" AND c.\"dmsflow_changed_at\" >= ?)";
        assertThat(sql).isEqualTo("WITH existing AS MATERIALIZED (SELECT p.\"order_id\" FROM \"production\".\"orders\" p"
                + " WHERE p.\"order_id\" = ANY(ARRAY(SELECT s.\"order_id\" FROM " + window + "))),"
                + " updated AS (UPDATE \"production\".\"orders\" p"
                + " SET \"amount\" = s.\"amount\", \"updated_at\" = s.\"updated_at\" FROM " + window
                + " WHERE p.\"order_id\" = s.\"order_id\" AND p.\"order_id\" = ANY(ARRAY(SELECT e.\"order_id\" FROM existing e))"
                + " AND (s.\"updated_at\" IS NOT NULL AND (p.\"updated_at\" IS NULL OR s.\"updated_at\" > p.\"updated_at\"))"
                + unchanged + " RETURNING 1),"
                + " inserted AS (INSERT INTO \"production\".\"orders\" (\"order_id\", \"amount\", \"updated_at\")"
                + " SELECT s.\"order_id\", s.\"amount\", s.\"updated_at\" FROM " + window
                + " WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.\"order_id\" = s.\"order_id\")" + unchanged
                + " RETURNING 1)"
                + " SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM updated)");
        assertThat(statements.mergeParameters(null, KeyAccess.KEY_LIST)).containsExactly(MergeStatements.Parameter.WINDOW,
                MergeStatements.Parameter.WINDOW, MergeStatements.Parameter.WATERMARK, MergeStatements.Parameter.WINDOW,
                MergeStatements.Parameter.WATERMARK);
        assertThat(statements.mergeParameters("src", KeyAccess.RANGE)).containsExactly(MergeStatements.Parameter.KEY_BOUNDS,
                MergeStatements.Parameter.WATERMARK, MergeStatements.Parameter.KEY_BOUNDS, MergeStatements.Parameter.WATERMARK);
    }

    @Test
    void keysSpreadThinlyOverTheTargetTakeTheKeyListAndKeysDenseInTheirRangeTheRange() {
        // recent keys: the range holds fewer target rows than the batch has
        assertThat(KeyAccess.choose(1, 100_000, 50_000)).isEqualTo(KeyAccess.RANGE);
        // every fourth target row staged: one pass over the range is cheaper
        assertThat(KeyAccess.choose(1, 1_000_000, 2_000_000)).isEqualTo(KeyAccess.RANGE);
        // one in forty
        assertThat(KeyAccess.choose(1, 100_000, 2_000_000)).isEqualTo(KeyAccess.KEY_LIST);
        assertThat(KeyAccess.choose(2, 100_000, 2_000_000)).isEqualTo(KeyAccess.RANGE);
    }

    @Test
    void withoutAChangeLogNothingIsLeftToCdcButConcurrentInsertsStillAre() {
        String sql = new MergeStatements(orders(Optional.of("updated_at"), false), true, null).merge("src", true, KeyAccess.RANGE);

        assertThat(sql).doesNotContain("dmsflow_changes").contains("FROM \"src\" s").contains("ON CONFLICT (\"order_id\") DO NOTHING");
    }

    @Test
    void deduplicationKeepsTheNewestRowPerKey() {
        String sql = new MergeStatements(orders(Optional.of("updated_at"), false), false, null).deduplicateInto("src");

        assertThat(sql).isEqualTo("CREATE TEMP TABLE \"src\" ON COMMIT DROP AS SELECT DISTINCT ON (s.\"order_id\")"
                + " s.\"order_id\", s.\"amount\", s.\"updated_at\" FROM \"staging\".\"orders\" s"
                + " ORDER BY s.\"order_id\", s.\"updated_at\" DESC NULLS LAST, s.ctid DESC");
    }

    @Test
    void thePlainFormInsertsWithoutConflictHandling() {
        assertThat(new MergeStatements(orders(Optional.of("updated_at"), false), true, LOG).merge(null, false, KeyAccess.RANGE)).doesNotContain("ON CONFLICT");
    }

    @Test
    void withoutAWindowColumnADifferingCopyReplacesTheTargetRow() {
        String sql = new MergeStatements(orders(Optional.empty(), true), false, LOG).merge("src", false, KeyAccess.RANGE);

        assertThat(sql).contains("AND (p.\"amount\", p.\"updated_at\") IS DISTINCT FROM (s.\"amount\", s.\"updated_at\")")
                .contains("OVERRIDING SYSTEM VALUE");
    }

    @Test
    void aWindowedRunNeedsAWindowColumn() {
        assertThatThrownBy(() -> new MergeStatements(orders(Optional.empty(), false), true, null))
                .isInstanceOf(MergeRejectedException.class).hasMessageContaining("production.orders has no window column");
    }
}
