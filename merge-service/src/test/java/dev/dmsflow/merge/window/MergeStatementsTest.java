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
    void updateIsNewerWinsKeyBoundedAndLeavesKeysCdcChangedSinceTheWatermark() {
        String sql = new MergeStatements(orders(Optional.of("updated_at"), false), true, LOG).update(null);

        assertThat(sql).isEqualTo("WITH updated AS (UPDATE \"production\".\"orders\" p"
                + " SET \"amount\" = s.\"amount\", \"updated_at\" = s.\"updated_at\""
                + " FROM (SELECT s.\"order_id\", s.\"amount\", s.\"updated_at\" FROM \"staging\".\"orders\" s"
                + " WHERE s.\"updated_at\" >= ? AND s.\"updated_at\" < ?) s"
                + " WHERE p.\"order_id\" = s.\"order_id\" AND p.\"order_id\" BETWEEN ? AND ?"
                + " AND (s.\"updated_at\" IS NOT NULL AND (p.\"updated_at\" IS NULL OR s.\"updated_at\" > p.\"updated_at\"))"
                + " AND NOT EXISTS (SELECT 1 FROM \"dmsflow_changes\".\"production__orders\" c"
                + " WHERE c.\"order_id\" = s.\"order_id\" AND c.\"dmsflow_changed_at\" >= ?)"
                + " RETURNING 1) SELECT count(*) FROM updated");
    }

    @Test
    void insertLeavesAKeyCdcInsertsMeanwhileToCdc() {
        String sql = new MergeStatements(orders(Optional.of("updated_at"), false), false, LOG).insert("src");

        assertThat(sql).isEqualTo("WITH inserted AS (INSERT INTO \"production\".\"orders\" (\"order_id\", \"amount\", \"updated_at\")"
                + " SELECT s.\"order_id\", s.\"amount\", s.\"updated_at\" FROM \"src\" s"
                + " WHERE NOT EXISTS (SELECT 1 FROM \"production\".\"orders\" p WHERE p.\"order_id\" = s.\"order_id\""
                + " AND p.\"order_id\" BETWEEN ? AND ?)"
                + " AND NOT EXISTS (SELECT 1 FROM \"dmsflow_changes\".\"production__orders\" c"
                + " WHERE c.\"order_id\" = s.\"order_id\" AND c.\"dmsflow_changed_at\" >= ?)"
                + " ON CONFLICT (\"order_id\") DO NOTHING RETURNING 1) SELECT count(*) FROM inserted");
    }

    @Test
    void withoutAChangeLogNothingIsLeftToCdc() {
        MergeStatements sql = new MergeStatements(orders(Optional.of("updated_at"), false), true, null);

        assertThat(sql.update(null)).doesNotContain("dmsflow_changes");
        assertThat(sql.insert(null)).doesNotContain("dmsflow_changes").contains("ON CONFLICT (\"order_id\") DO NOTHING");
    }

    @Test
    void deduplicationKeepsTheNewestRowPerKey() {
        String sql = new MergeStatements(orders(Optional.of("updated_at"), false), false, null).deduplicateInto("src");

        assertThat(sql).isEqualTo("CREATE TEMP TABLE \"src\" ON COMMIT DROP AS SELECT DISTINCT ON (s.\"order_id\")"
                + " s.\"order_id\", s.\"amount\", s.\"updated_at\" FROM \"staging\".\"orders\" s"
                + " ORDER BY s.\"order_id\", s.\"updated_at\" DESC NULLS LAST, s.ctid DESC");
    }

    @Test
    void withoutAWindowColumnADifferingCopyReplacesTheTargetRow() {
        MergeStatements sql = new MergeStatements(orders(Optional.empty(), true), false, LOG);

        assertThat(sql.update("src")).contains("FROM \"src\" s")
                .contains("AND (p.\"amount\", p.\"updated_at\") IS DISTINCT FROM (s.\"amount\", s.\"updated_at\")");
        assertThat(sql.insert("src")).contains("OVERRIDING SYSTEM VALUE");
    }

    @Test
    void aWindowedRunNeedsAWindowColumn() {
        assertThatThrownBy(() -> new MergeStatements(orders(Optional.empty(), false), true, null))
                .isInstanceOf(MergeRejectedException.class).hasMessageContaining("production.orders has no window column");
    }
}
