package dev.dmsflow.contracts.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code docs/catalog.schema.json} describes what {@link CatalogLoader} accepts: every catalog in the repository (the
 * deployment's, the tests', the examples in {@code docs/catalog.md}) passes both, and broken ones fail both.
 */
class CatalogSchemaTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);
    private static final Schema SCHEMA = schema();

    private static final String VALID = """
            tables:
              orders:
                source: { schema: APP, table: ORDERS }
                staging: { schema: staging, table: orders }
                production: { schema: production, table: orders }
                keyColumns: [order_id]
            """;

    private static Schema schema() {
        try {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(Files.readString(ROOT.resolve("docs/catalog.schema.json")), InputFormat.JSON);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyCatalogInTheRepositoryMatchesTheSchemaAndLoads() throws IOException {
        Map<String, String> catalogs = catalogs();
        assertThat(catalogs).containsKey("deploy/catalog.yaml").hasSizeGreaterThanOrEqualTo(5);

        catalogs.forEach((where, yaml) -> {
            assertThat(SCHEMA.validate(yaml, InputFormat.YAML)).as(where).isEmpty();
            CatalogLoader.load(where, new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "keyColumns: [order_id]|keyColumns: []",
            "keyColumns: [order_id]|windowPrecision: 6",
            "table: ORDERS|table: \"ORDERS; DROP TABLE x\"",
            "keyColumns: [order_id]|keyColumns: [order_id]\n    windowPrecision: 12",
            "keyColumns: [order_id]|keyColumns: [order_id]\n    cdc: yes please",
            "keyColumns: [order_id]|keyColumns: [order_id]\n    window: updated_at",
            "tables:|tablez:",
            "keyColumns: [order_id]|keyColumns: [order_id]\n    repair: always",
            "keyColumns: [order_id]|keyColumns: [order_id]\n    repair: { policy: auto, deletes: sometimes }",
    })
    void aBrokenCatalogFailsTheSchemaAndTheLoaderAlike(String change) {
        String[] replace = change.split("\\|", 2);
        String broken = VALID.replace(replace[0], replace[1]);

        assertThat(SCHEMA.validate(broken, InputFormat.YAML)).as(broken).isNotEmpty();
        assertThatThrownBy(() -> CatalogLoader.load("broken", new ByteArrayInputStream(broken.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(CatalogException.class);
    }

    @Test
    void aPasswordInAForeignServerFailsBoth() throws IOException {
        String deploy = Files.readString(ROOT.resolve("deploy/catalog.yaml"));
        String broken = deploy.replace("user: fdw_user }", "user: fdw_user, password: secret }");
        assertThat(broken).isNotEqualTo(deploy);

        List<Error> errors = SCHEMA.validate(broken, InputFormat.YAML);
        assertThat(errors).isNotEmpty();
        assertThatThrownBy(() -> CatalogLoader.load("broken", new ByteArrayInputStream(broken.getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("passwords do not belong in the catalog");
    }

    /** Every catalog file of the repository and every YAML example of docs/catalog.md, by where it is. */
    private static Map<String, String> catalogs() throws IOException {
        Map<String, String> catalogs = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(ROOT, 6)) {
            paths.filter(p -> p.getFileName().toString().matches(".*catalog.*\\.ya?ml"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
                    .forEach(files::add);
        }
        for (Path file : files) {
            // tests fill in the embedded PostgreSQL's port
            catalogs.put(ROOT.relativize(file).toString(), Files.readString(file).replace("@PORT@", "5432"));
        }
        Matcher blocks = YAML_BLOCK.matcher(Files.readString(ROOT.resolve("docs/catalog.md")));
        for (int i = 0; blocks.find(); i++) {
            catalogs.put("docs/catalog.md example " + (i + 1), blocks.group(1));
        }
        return catalogs;
    }
}
