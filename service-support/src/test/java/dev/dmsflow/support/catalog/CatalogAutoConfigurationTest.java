package dev.dmsflow.support.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.contracts.catalog.CatalogException;
import dev.dmsflow.contracts.catalog.MigrationCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class CatalogAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CatalogAutoConfiguration.class));

    @Test
    void loadsTheConfiguredCatalog(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("catalog.yaml"), """
                tables:
                  orders:
                    source: { schema: APP, table: ORDERS }
                    staging: { schema: staging, table: orders }
                    production: { schema: production, table: orders }
                    keyColumns: [order_id]
                    windowColumn: updated_at
                """);

        runner.withPropertyValues("dmsflow.catalog.location=file:" + file).run(context ->
                assertThat(context.getBean(MigrationCatalog.class).table("orders")).isPresent());
    }

    @Test
    void aBadCatalogStopsStartupNamingFileEntryAndProblem(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("catalog.yaml"), """
                tables:
                  orders:
                    source: { schema: APP, table: ORDERS }
                    staging: { schema: staging, table: orders }
                    production: { schema: production, table: orders }
                """);

        runner.withPropertyValues("dmsflow.catalog.location=file:" + file).run(context -> {
            assertThat(context).hasFailed();
            assertThat(catalogFailure(context.getStartupFailure()))
                    .hasMessageContaining("file:" + file)
                    .hasMessageContaining("tables.orders.keyColumns: missing");
        });
    }

    @Test
    void aMissingCatalogFileStopsStartup() {
        runner.withPropertyValues("dmsflow.catalog.location=file:/no/such/catalog.yaml").run(context ->
                assertThat(catalogFailure(context.getStartupFailure())).hasMessageContaining("file:/no/such/catalog.yaml")
                        .hasMessageContaining("cannot be read"));
    }

    @Test
    void noCatalogConfiguredMeansNoCatalogBean() {
        runner.run(context -> assertThat(context).doesNotHaveBean(MigrationCatalog.class));
    }

    private static CatalogException catalogFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CatalogException catalog) {
                return catalog;
            }
        }
        throw new AssertionError("startup did not fail with a CatalogException", failure);
    }
}
