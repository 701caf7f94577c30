package dev.dmsflow.controller.request;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.contracts.catalog.CatalogLoader;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.RequestedTable;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.contracts.event.TimeWindow;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestResolverTest {

    static final TimeWindow JANUARY = new TimeWindow(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"));

    private final RequestResolver resolver = new RequestResolver(
            CatalogLoader.load("controller-test-catalog.yaml", RequestResolverTest.class.getResourceAsStream("/controller-test-catalog.yaml")));

    static TaskRequested request(TaskKind kind, TimeWindow window, RequestedTable... tables) {
        return TaskRequested.newBuilder().setHeader(new EventHeader("e-1", "req-1", Instant.parse("2026-02-02T00:00:00Z"), "test", 1))
                .setKind(kind).setTables(List.of(tables)).setWindow(window).setRequestedBy("ops").build();
    }

    static RequestedTable table(String name) {
        return RequestedTable.newBuilder().setName(name).build();
    }

    private String rejection(TaskRequested request) {
        RequestResolver.Resolution resolution = resolver.resolve(request);
        assertThat(resolution).isInstanceOf(RequestResolver.Rejected.class);
        return ((RequestResolver.Rejected) resolution).reason();
    }

    @Test
    void aValidWindowReloadResolvesEveryTableFromTheCatalog() {
        RequestResolver.Resolution resolution = resolver.resolve(request(TaskKind.TIME_WINDOW_RELOAD, JANUARY, table("orders"),
                RequestedTable.newBuilder().setName("customers").setWindowColumn("updated_at").setKeyColumns(List.of("customer_id")).build()));

        ResolvedRun run = ((RequestResolver.Accepted) resolution).run();
        assertThat(run.tables()).extracting(t -> t.getStagingSchema() + "." + t.getStagingTable())
                .containsExactly("ctl_staging.orders", "ctl_staging.customers");
        assertThat(run.windowPrecisions()).containsEntry("orders", 6).containsEntry("customers", 0);
        assertThat(run.window()).isEqualTo(JANUARY);
    }

    @Test
    void unknownTable() {
        assertThat(rejection(request(TaskKind.TIME_WINDOW_RELOAD, JANUARY, table("invoices"))))
                .isEqualTo("table 'invoices' is not in the migration catalog (known: orders, customers, countries, currencies, rates)");
    }

    @Test
    void missingWindowForAWindowReload() {
        assertThat(rejection(request(TaskKind.TIME_WINDOW_RELOAD, null, table("orders")))).isEqualTo("a TIME_WINDOW_RELOAD needs a window (from, to)");
    }

    @Test
    void emptyOrReversedWindow() {
        TimeWindow reversed = new TimeWindow(JANUARY.getTo(), JANUARY.getFrom());
        TimeWindow empty = new TimeWindow(JANUARY.getFrom(), JANUARY.getFrom());

        assertThat(rejection(request(TaskKind.TIME_WINDOW_RELOAD, reversed, table("orders"))))
                .isEqualTo("the window is empty: from 2026-02-01T00:00:00Z is not before to 2026-01-01T00:00:00Z (windows are half-open, from <= t < to)");
        assertThat(rejection(request(TaskKind.TIME_WINDOW_RELOAD, empty, table("orders")))).startsWith("the window is empty");
    }

    @Test
    void windowColumnNotTheCatalogs() {
        assertThat(rejection(request(TaskKind.TIME_WINDOW_RELOAD, JANUARY,
                RequestedTable.newBuilder().setName("orders").setWindowColumn("created_at").build())))
                .isEqualTo("window column created_at of orders is not the catalog's (updated_at)");
    }

    @Test
    void keyColumnNotTheCatalogs() {
        assertThat(rejection(request(TaskKind.TIME_WINDOW_RELOAD, JANUARY,
                RequestedTable.newBuilder().setName("orders").setKeyColumns(List.of("id")).build())))
                .isEqualTo("key column id of orders is not in the catalog's key [order_id]; key columns [id] of orders do not match the catalog's key [order_id]");
    }

    @Test
    void namesThatAreNotPlainIdentifiers() {
        assertThat(rejection(request(TaskKind.TIME_WINDOW_RELOAD, JANUARY, table("orders; drop table x"))))
                .isEqualTo("table name 'orders; drop table x' is not a plain identifier");
        assertThat(rejection(request(TaskKind.TIME_WINDOW_RELOAD, JANUARY,
                RequestedTable.newBuilder().setName("orders").setWindowColumn("updated_at\" OR 1=1").build())))
                .isEqualTo("window column 'updated_at\" OR 1=1' of orders is not a plain identifier");
    }

    @Test
    void aTableWithoutWindowColumnCannotBeReloadedByWindow() {
        assertThat(rejection(request(TaskKind.TIME_WINDOW_RELOAD, JANUARY, table("countries"))))
                .isEqualTo("table countries has no window column in the catalog, so it cannot be loaded by window");
        assertThat(resolver.resolve(request(TaskKind.FULL_LOAD, null, table("countries")))).isInstanceOf(RequestResolver.Accepted.class);
    }

    @Test
    void aFullLoadTakesNoWindowAndMultiStageNeedsItsDefinition() {
        assertThat(rejection(request(TaskKind.FULL_LOAD, JANUARY, table("orders"))))
                .isEqualTo("a FULL_LOAD copies whole tables and takes no window; use TIME_WINDOW_RELOAD for one");
        assertThat(rejection(request(TaskKind.MULTI_STAGE, JANUARY, table("orders"))))
                .isEqualTo("a MULTI_STAGE request needs multiStage, the name of the catalog's definition (known: orders_enriched)");
        TaskRequested wrongTable = request(TaskKind.MULTI_STAGE, JANUARY, table("customers"));
        wrongTable.setMultiStage("orders_enriched");
        assertThat(rejection(wrongTable)).isEqualTo("multi-stage orders_enriched stages table orders, which the request does not name");
    }

    @Test
    void aFullLoadOfATableCdcWritesWithNeitherWindowColumnNorChangeTrackingIsRefusedWithTheWayOut() {
        assertThat(rejection(request(TaskKind.FULL_LOAD, null, table("currencies"))))
                .contains("table currencies has CDC running on it")
                .contains("set changeTracking: true for it in the catalog and provision");
        // changeTracking defaults to cdc: the merge then leaves CDC's changes alone
        assertThat(resolver.resolve(request(TaskKind.FULL_LOAD, null, table("rates")))).isInstanceOf(RequestResolver.Accepted.class);
        assertThat(resolver.resolve(request(TaskKind.FULL_LOAD, null, table("countries")))).isInstanceOf(RequestResolver.Accepted.class);
    }
}
