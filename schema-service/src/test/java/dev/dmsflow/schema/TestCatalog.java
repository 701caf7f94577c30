package dev.dmsflow.schema;

import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * The test catalog with the embedded server's port (the multi-stage foreign server points at database 2 of the same
 * server), the Oracle dictionary stand-in as the source, and the foreign server's password as the environment would give it.
 */
public class TestCatalog implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    /** The user mapping's password: must never show up in a report, an event or a log. */
    public static final String FDW_PASSWORD = "s3cret-fdw-pw";
    /** Schema of the source database holding tables shaped like ALL_TAB_COLS, ALL_CONSTRAINTS, ALL_CONS_COLUMNS. */
    public static final String DICTIONARY_SCHEMA = "sv_dict";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        DmsflowInfrastructure infra = DmsflowInfrastructure.shared();
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("schema-test-catalog", Map.of(
                "dmsflow.catalog.location", "file:" + write(infra.postgresPort()),
                "dmsflow.schema.source.url", infra.jdbcUrl(Database.SOURCE) + "?currentSchema=" + DICTIONARY_SCHEMA,
                "dmsflow.schema.source.username", DmsflowInfrastructure.USER,
                // a PostgreSQL database holding tables shaped like Oracle's dictionary stands in for Oracle
                "dmsflow.schema.source.dictionary", "oracle",
                "SV_DB2_PASSWORD", FDW_PASSWORD)));
    }

    private static synchronized Path write(int port) {
        try (InputStream in = TestCatalog.class.getResourceAsStream("/schema-test-catalog.yaml")) {
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("@PORT@", String.valueOf(port));
            Path file = Files.createTempFile("schema-test-catalog", ".yaml");
            file.toFile().deleteOnExit();
            return Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
