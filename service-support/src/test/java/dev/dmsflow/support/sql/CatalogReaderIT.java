package dev.dmsflow.support.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CatalogReaderIT {

    private static DataSource database;

    @BeforeAll
    static void tables() throws SQLException {
        database = DmsflowInfrastructure.shared().dataSource(Database.DB2);
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("""
                    DROP SCHEMA IF EXISTS "cat ?'x" CASCADE;
                    CREATE SCHEMA "cat ?'x";
                    CREATE TABLE "cat ?'x"."Orders ?'" (
                      id bigint GENERATED ALWAYS AS IDENTITY, region int NOT NULL, code text COLLATE "C",
                      amount numeric(10,2), updated_at timestamp(3),
                      PRIMARY KEY (region, id));
                    ALTER TABLE "cat ?'x"."Orders ?'" DROP COLUMN amount;
                    CREATE VIEW "cat ?'x".orders_view AS SELECT id, code FROM "cat ?'x"."Orders ?'";
                    CREATE TABLE "cat ?'x".events (id bigint, at date) PARTITION BY RANGE (at);
                    CREATE TABLE "cat ?'x".events_2026 PARTITION OF "cat ?'x".events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
                    CREATE INDEX ON "cat ?'x".events (id);
                    CREATE TABLE "cat ?'x".totals (amount numeric, total numeric GENERATED ALWAYS AS (amount * 2) STORED);
                    """);
        }
    }

    @Test
    void readsATablesColumnsInOrderWithExactTypesCollationsAndGeneratedColumns() throws SQLException {
        try (Connection connection = database.getConnection()) {
            CatalogReader.Relation orders = CatalogReader.relation(connection, "cat ?'x", "Orders ?'").orElseThrow();

            assertThat(orders.kind()).isEqualTo("r");
            // a dropped column is not there
            assertThat(orders.columnNames()).containsExactly("id", "region", "code", "updated_at");
            assertThat(orders.column("id").orElseThrow()).isEqualTo(new CatalogReader.Column("id", "int8", "bigint", -1, null, false, true));
            assertThat(orders.column("code").orElseThrow().collation()).isEqualTo("\"C\"");
            assertThat(orders.column("updated_at").orElseThrow())
                    .extracting(CatalogReader.Column::typeName, CatalogReader.Column::type, CatalogReader.Column::typmod)
                    .containsExactly("timestamp", "timestamp(3) without time zone", 3);
            assertThat(CatalogReader.relation(connection, "cat ?'x", "orders ?'")).as("names are exact, never folded").isEmpty();
            assertThat(CatalogReader.relation(connection, "cat ?'x", "Orders%")).as("no pattern in an exact lookup").isEmpty();
        }
    }

    @Test
    void generatedColumnsAreMarked() throws SQLException {
        try (Connection connection = database.getConnection()) {
            CatalogReader.Relation totals = CatalogReader.relation(connection, "cat ?'x", "totals").orElseThrow();

            assertThat(totals.column("total").orElseThrow().generated()).isTrue();
            assertThat(totals.column("amount").orElseThrow().generated()).isFalse();
        }
    }

    @Test
    void patternsFindTablesViewsAndPartitionedTablesButNotTheirPartitions() throws SQLException {
        try (Connection connection = database.getConnection()) {
            List<CatalogReader.Relation> found = CatalogReader.relations(connection, "cat ?'_", "%");

            assertThat(found).extracting(CatalogReader.Relation::name).contains("Orders ?'", "events", "orders_view")
                    .doesNotContain("events_2026");
            assertThat(found).filteredOn(r -> r.name().equals("orders_view")).singleElement()
                    .satisfies(view -> assertThat(view.kind()).isEqualTo("v"))
                    .satisfies(view -> assertThat(view.columnNames()).containsExactly("id", "code"));
            assertThat(CatalogReader.relations(connection, "cat%", "events_2026")).isEmpty();
            // a partition looked up by its exact name is found
            assertThat(CatalogReader.relation(connection, "cat ?'x", "events_2026")).isPresent();
        }
    }

    @Test
    void aUniqueIndexOnExactlyTheKeyColumnsInAnyOrderIsOneRowPerKey() throws SQLException {
        try (Connection connection = database.getConnection()) {
            assertThat(CatalogReader.uniqueOn(connection, "cat ?'x", "Orders ?'", List.of("id", "region"))).isTrue();
            assertThat(CatalogReader.uniqueOn(connection, "cat ?'x", "Orders ?'", List.of("id"))).isFalse();
            assertThat(CatalogReader.uniqueOn(connection, "cat ?'x", "events", List.of("id"))).as("not unique").isFalse();
            assertThat(CatalogReader.uniqueOn(connection, "cat ?'x", "missing", List.of("id"))).isFalse();
        }
    }
}
