package dev.dmsflow.contracts.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmsflow.contracts.catalog.MultiStageDefinition.Side;
import dev.dmsflow.contracts.event.TableRef;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CatalogLoaderTest {

    private static MigrationCatalog loadResource(String name) {
        return CatalogLoader.load(name, CatalogLoaderTest.class.getResourceAsStream("/catalogs/" + name));
    }

    private static MigrationCatalog loadText(String yaml) {
        return CatalogLoader.load("inline.yaml", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void loadsTablesAndMultiStageDefinitionsInFileOrder() {
        MigrationCatalog catalog = loadResource("valid.yaml");

        assertThat(catalog.tables().keySet()).containsExactly("orders", "order_lines", "customers");
        CatalogTable orders = catalog.table("orders").orElseThrow();
        assertThat(orders.source()).isEqualTo(new QualifiedName("APP", "ORDERS"));
        assertThat(orders.windowColumn()).contains("updated_at");
        assertThat(orders.windowPrecision()).isEqualTo(6);
        assertThat(catalog.table("customers").orElseThrow().windowPrecision()).isZero();
        assertThat(catalog.table("order_lines").orElseThrow().keyColumns()).containsExactly("order_id", "line_no");
        assertThat(catalog.table("order_lines").orElseThrow().windowColumn()).isEmpty();

        MultiStageDefinition enriched = catalog.multiStage("orders_enriched").orElseThrow();
        assertThat(enriched.stagingTable()).isEqualTo("orders");
        assertThat(enriched.foreignServer().port()).isEqualTo(5433);
        assertThat(enriched.foreignServer().passwordEnv()).contains("DB2_FDW_PASSWORD");
        assertThat(enriched.foreignTable().remote()).isEqualTo(new QualifiedName("public", "existing_customers"));
        assertThat(enriched.view().columns()).extracting(MultiStageDefinition.ViewColumn::outputName)
                .containsExactly("order_id", "amount", "updated_at", "customer_name");
        assertThat(enriched.view().columns().get(3).from()).isEqualTo(Side.FOREIGN);
        assertThat(enriched.finalTable().timestampColumn()).contains("updated_at");
        assertThat(enriched.sync()).isTrue();
    }

    @Test
    void theRepairPolicyIsManualWithoutDeletesUnlessTheCatalogSaysOtherwise() {
        String yaml = """
                tables:
                  orders:
                    source: { schema: APP, table: ORDERS }
                    staging: { schema: staging, table: orders }
                    production: { schema: production, table: orders }
                    keyColumns: [order_id]
                    repair: { policy: auto, deletes: true }
                  customers:
                    source: { schema: APP, table: CUSTOMERS }
                    staging: { schema: staging, table: customers }
                    production: { schema: production, table: customers }
                    keyColumns: [customer_id]
                    repair: off
                  order_lines:
                    source: { schema: APP, table: ORDER_LINES }
                    staging: { schema: staging, table: order_lines }
                    production: { schema: production, table: order_lines }
                    keyColumns: [order_id, line_no]
                """;
        MigrationCatalog catalog = loadText(yaml);

        assertThat(catalog.table("orders").orElseThrow().repair()).isEqualTo(new CatalogTable.Repair(CatalogTable.Repair.Policy.AUTO, true));
        assertThat(catalog.table("customers").orElseThrow().repair().policy()).isEqualTo(CatalogTable.Repair.Policy.OFF);
        assertThat(catalog.table("order_lines").orElseThrow().repair()).isEqualTo(CatalogTable.Repair.DEFAULT);
        assertThatThrownBy(() -> loadText(yaml.replace("keyColumns: [order_id, line_no]", "keyColumns: [order_id, line_no]\n    repair: auto")))
                .hasMessageContaining("tables.order_lines.repair: a repair needs a single-column key");
        assertThatThrownBy(() -> loadText(yaml.replace("repair: off", "repair: sometimes")))
                .hasMessageContaining("tables.customers.repair: 'sometimes' must be auto, manual or off");
    }

    @Test
    void catalogTableBecomesTheTableRefEventsCarry() {
        TableRef ref = loadResource("valid.yaml").table("orders").orElseThrow().toTableRef();

        assertThat(ref.getSourceTable()).isEqualTo("ORDERS");
        assertThat(ref.getStagingSchema()).isEqualTo("staging");
        assertThat(ref.getTargetTable()).isEqualTo("orders");
        assertThat(ref.getKeyColumns()).containsExactly("order_id");
        assertThat(ref.getWindowColumn()).isEqualTo("updated_at");
    }

    @Test
    void reportsEveryProblemWithFileEntryAndReason() {
        assertThatThrownBy(() -> loadResource("broken.yaml"))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("Invalid migration catalog broken.yaml:")
                .satisfies(e -> assertThat(((CatalogException) e).problems()).containsExactlyInAnyOrder(
                        "tables.orders.production.table: 'orders; drop table x' is not a plain identifier (letters, digits, _ and $, starting with a letter or _, at most 63 characters)",
                        "tables.orders.keyColumns: at least one column is needed",
                        "tables.orders.windowPrecision: '12' must be a number of fractional-second digits, 0 to 9",
                        "tables.invoices: unknown field 'windowColum' (allowed: binaryFloats, cdc, changeTracking, keyColumns, production, repair, source, staging, windowColumn, windowPrecision)",
                        "tables.invoices.keyColumns: 'invoice_id' is listed twice",
                        "multiStage.enriched.stagingTable: 'shipments' is not a table of this catalog (tables: )",
                        "multiStage.enriched.foreignServer.password: passwords do not belong in the catalog; name the environment variable that holds it with passwordEnv",
                        "multiStage.enriched.foreignServer.port: '99999' is not a TCP port",
                        "multiStage.enriched.view.join: at least one pair of join columns is needed",
                        "multiStage.enriched.view.columns[0].from: 'left' must be 'staging' or 'foreign'",
                        "multiStage.enriched.view.columns[1]: the view already has a column named 'id'; rename one with 'as'",
                        "multiStage.enriched.finalTable.keyColumns: 'final_id' is not a column of the view (columns: id)"));
    }

    @Test
    void twoEntriesCannotWriteTheSameTable() {
        String yaml = """
                tables:
                  a: { source: {schema: S, table: A}, staging: {schema: staging, table: t}, production: {schema: p, table: a}, keyColumns: [id] }
                  b: { source: {schema: S, table: B}, staging: {schema: staging, table: t}, production: {schema: p, table: b}, keyColumns: [id] }
                """;

        assertThatThrownBy(() -> loadText(yaml)).isInstanceOf(CatalogException.class)
                .hasMessageContaining("tables.b: staging.t is also written by tables.a");
    }

    @Test
    void duplicateKeysAndInvalidYamlAreErrorsNotLastOneWins() {
        assertThatThrownBy(() -> loadText("tables:\n  a: {}\n  a: {}\n")).isInstanceOf(CatalogException.class)
                .hasMessageContaining("inline.yaml").hasMessageContaining("duplicate key a");
        assertThatThrownBy(() -> loadText("tables: [unclosed")).isInstanceOf(CatalogException.class)
                .hasMessageContaining("is not valid YAML");
        assertThatThrownBy(() -> loadText("")).isInstanceOf(CatalogException.class)
                .hasMessageContaining("catalog: missing");
    }

    @Test
    void missingFileIsNamed() {
        Path missing = Path.of("no/such/catalog.yaml");

        assertThatThrownBy(() -> CatalogLoader.load(missing)).isInstanceOf(CatalogException.class)
                .hasMessageContaining(missing.toAbsolutePath().toString()).hasMessageContaining("cannot be read");
    }

    @Test
    void identifiersArePlainAndQuoted() {
        assertThat(Identifiers.quote("Order_Lines$1")).isEqualTo("\"Order_Lines$1\"");
        assertThat(Identifiers.isPlain("1abc")).isFalse();
        assertThat(Identifiers.isPlain("a\"b")).isFalse();
        assertThat(Identifiers.isPlain("a".repeat(64))).isFalse();
        assertThat(new QualifiedName("staging", "orders").quoted()).isEqualTo("\"staging\".\"orders\"");
    }

    @Test
    void cdcTablesAreChangeTrackedUnlessTheCatalogSaysOtherwise() {
        String yaml = """
                tables:
                  orders:   { source: { schema: APP, table: ORDERS }, staging: { schema: stg, table: orders },
                              production: { schema: prod, table: orders }, keyColumns: [order_id], cdc: true }
                  rates:    { source: { schema: APP, table: RATES }, staging: { schema: stg, table: rates },
                              production: { schema: prod, table: rates }, keyColumns: [code], cdc: true, changeTracking: false,
                              binaryFloats: true }
                  lookups:  { source: { schema: APP, table: LOOKUPS }, staging: { schema: stg, table: lookups },
                              production: { schema: prod, table: lookups }, keyColumns: [code] }
                """;
        MigrationCatalog catalog = CatalogLoader.load("flags.yaml", new java.io.ByteArrayInputStream(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));

        assertThat(catalog.table("orders").orElseThrow()).extracting(CatalogTable::cdc, CatalogTable::changeTracking, CatalogTable::binaryFloats)
                .containsExactly(true, true, false);
        assertThat(catalog.table("rates").orElseThrow()).extracting(CatalogTable::cdc, CatalogTable::changeTracking, CatalogTable::binaryFloats)
                .containsExactly(true, false, true);
        assertThat(catalog.table("lookups").orElseThrow()).extracting(CatalogTable::cdc, CatalogTable::changeTracking)
                .containsExactly(false, false);
        assertThatThrownBy(() -> CatalogLoader.load("bad.yaml", new java.io.ByteArrayInputStream(yaml.replace("cdc: true }", "cdc: yes-please }")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .isInstanceOf(CatalogException.class).hasMessageContaining("tables.orders.cdc: 'yes-please' must be true or false");
    }
}
