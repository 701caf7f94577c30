package dev.dmsflow.schema.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmsflow.contracts.catalog.CatalogTable;
import dev.dmsflow.contracts.catalog.Identifiers;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.schema.ddl.PgCatalog.PgColumn;
import dev.dmsflow.schema.ddl.PgCatalog;
import dev.dmsflow.schema.drift.TablePair;
import dev.dmsflow.schema.drift.TypeVerification;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TableDdlTest {

    private final CatalogTable orders = new CatalogTable("orders", new QualifiedName("APP", "ORDERS"), new QualifiedName("staging", "orders"),
            new QualifiedName("production", "orders"), List.of("order_id"), Optional.of("updated_at"), CatalogTable.DEFAULT_WINDOW_PRECISION);

    @Test
    void theStagingTableCopiesProductionTypesKeepsOnlyTheKeyNotNullAndAddsTheLoadTime() {
        String ddl = TableDdl.createStaging(orders, List.of(new PgColumn("order_id", "bigint"), new PgColumn("amount", "numeric(10,2)"),
                new PgColumn("updated_at", "timestamp(6) without time zone")));

        assertThat(ddl).isEqualTo("""
                CREATE TABLE IF NOT EXISTS "staging"."orders" (
                    "order_id" bigint NOT NULL,
                    "amount" numeric(10,2),
                    "updated_at" timestamp(6) without time zone,
                    "_dms_loaded_at" timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY ("order_id")
                )""");
    }

    @Test
    void theStagingTableKeepsEachColumnsCollation() {
        CatalogTable codes = new CatalogTable("codes", new QualifiedName("APP", "CODES"), new QualifiedName("staging", "codes"),
                new QualifiedName("production", "codes"), List.of("code"), Optional.empty(), CatalogTable.DEFAULT_WINDOW_PRECISION);

        String ddl = TableDdl.createStaging(codes, List.of(new PgColumn("code", "text", "\"C\""), new PgColumn("label", "character varying(20)")));

        assertThat(ddl).contains("\"code\" text COLLATE \"C\" NOT NULL,\n").contains("\"label\" character varying(20),\n");
    }

    @Test
    void aTableFromTheSourceKeepsTheMappedCollation() {
        String ddl = TableDdl.createTable(new QualifiedName("production", "codes"), List.of(
                new TableDdl.ColumnDefinition("code", "varchar(10)", "\"C\"", true), new TableDdl.ColumnDefinition("n", "numeric", null, false)),
                List.of("code"));

        assertThat(ddl).contains("\"code\" varchar(10) COLLATE \"C\" NOT NULL,\n").contains("\"n\" numeric,\n");
    }

    @Test
    void indexNamesStayWithinPostgresLimitAndDistinct() {
        String table = "t".repeat(50);

        String first = TableDdl.indexName(table, "updated_at_one");
        String second = TableDdl.indexName(table, "updated_at_two");

        assertThat(TableDdl.indexName("orders", "updated_at")).isEqualTo("orders_updated_at_idx");
        assertThat(first).hasSizeLessThanOrEqualTo(63).isNotEqualTo(second);
        assertThat(Identifiers.isPlain(first)).isTrue();
    }

    @Test
    void theTypeVerificationRefusesNamesThatAreNotPlain() {
        TablePair pair = new TablePair("orders", new QualifiedName("staging", "orders'; DROP TABLE x; --"), new QualifiedName("production", "orders"));

        assertThatThrownBy(() -> TypeVerification.query(List.of(pair))).isInstanceOf(IllegalArgumentException.class);
    }
}
