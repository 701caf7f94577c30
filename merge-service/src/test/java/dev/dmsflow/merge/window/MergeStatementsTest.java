package dev.dmsflow.merge.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmsflow.contracts.catalog.QualifiedName;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MergeStatementsTest {

    private static TableShape orders(Optional<String> window, boolean identity) {
        return new TableShape(new QualifiedName("staging", "orders"), new QualifiedName("production", "orders"),
                List.of("order_id", "amount", "updated_at"), List.of("order_id"), window, "timestamp",
                true, true, identity);
    }

    @Test
    void mergeIsOneStatementWithNewerWinsKeyBoundAndCounts() {
        String sql = new MergeStatements(orders(Optional.of("updated_at"), false), true).merge(null);

        assertThat(sql).isEqualTo("WITH merged AS (MERGE INTO \"production\".\"orders\" p"
                + " USING (SELECT s.\"order_id\", s.\"amount\", s.\"updated_at\" FROM \"staging\".\"orders\" s"
                + " WHERE s.\"updated_at\" >= ? AND s.\"updated_at\" < ?) s"
                + " ON p.\"order_id\" = s.\"order_id\" AND p.\"order_id\" BETWEEN ? AND ?"
                + " WHEN MATCHED AND (s.\"updated_at\" IS NOT NULL AND (p.\"updated_at\" IS NULL OR s.\"updated_at\" > p.\"updated_at\"))"
                + " THEN UPDATE SET \"amount\" = s.\"amount\", \"updated_at\" = s.\"updated_at\""
                + " WHEN NOT MATCHED THEN INSERT (\"order_id\", \"amount\", \"updated_at\")"
                + " VALUES (s.\"order_id\", s.\"amount\", s.\"updated_at\") RETURNING merge_action() AS action)"
                + " SELECT count(*) FILTER (WHERE action = 'INSERT'), count(*) FILTER (WHERE action = 'UPDATE') FROM merged");
    }

    @Test
    void deduplicationKeepsTheNewestRowPerKey() {
        String sql = new MergeStatements(orders(Optional.of("updated_at"), false), false).deduplicateInto("src");

        assertThat(sql).isEqualTo("CREATE TEMP TABLE \"src\" ON COMMIT DROP AS SELECT DISTINCT ON (s.\"order_id\")"
                + " s.\"order_id\", s.\"amount\", s.\"updated_at\" FROM \"staging\".\"orders\" s"
                + " ORDER BY s.\"order_id\", s.\"updated_at\" DESC NULLS LAST, s.ctid DESC");
    }

    @Test
    void withoutAWindowColumnADifferingCopyReplacesTheTargetRow() {
        String sql = new MergeStatements(orders(Optional.empty(), true), false).merge("src");

        assertThat(sql).contains("USING \"src\" s")
                .contains("WHEN MATCHED AND (p.\"amount\", p.\"updated_at\") IS DISTINCT FROM (s.\"amount\", s.\"updated_at\")")
                .contains("OVERRIDING SYSTEM VALUE");
    }

    @Test
    void aWindowedRunNeedsAWindowColumn() {
        assertThatThrownBy(() -> new MergeStatements(orders(Optional.empty(), false), true))
                .isInstanceOf(MergeRejectedException.class).hasMessageContaining("production.orders has no window column");
    }
}
