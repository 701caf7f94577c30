package dev.dmsflow.schema.provision;

import dev.dmsflow.contracts.catalog.MigrationCatalog;
import dev.dmsflow.schema.SchemaProperties;
import dev.dmsflow.schema.ddl.ProvisionException;
import dev.dmsflow.schema.fdw.FdwPasswords;
import dev.dmsflow.schema.fdw.MultiStageProvisioner;
import dev.dmsflow.schema.typemap.OracleTypeMapping;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Provisioning exists when the service has a migration catalog ({@code dmsflow.catalog.location}). */
@Configuration(proxyBeanMethods = false)
// a property condition, not @ConditionalOnBean: the catalog bean is auto-configured, after this class is evaluated
@ConditionalOnProperty(prefix = "dmsflow.catalog", name = "location")
class ProvisionConfiguration {

    @Bean
    Provisioner provisioner(DataSource dataSource, MigrationCatalog catalog, SchemaProperties properties, Environment environment) {
        Optional<String> dmsUser = Optional.ofNullable(properties.dmsUser()).filter(u -> !u.isBlank());
        Optional<SourceCatalog> source = Optional.of(properties.source()).filter(s -> s.jdbc().configured())
                .map(s -> sourceCatalog(s, s.jdbc().pool("schema-source", 2)));
        FdwPasswords passwords = server -> Optional.ofNullable(properties.fdwPasswords().get(server.name()))
                .or(() -> server.passwordEnv().map(variable -> Optional.ofNullable(environment.getProperty(variable))
                        .orElseThrow(() -> new ProvisionException("foreign server " + server.name() + ": neither dmsflow.schema.fdw-passwords."
                                + server.name() + " nor the environment variable " + variable + " (its passwordEnv) is set"))));
        return new Provisioner(dataSource, catalog,
                new TableProvisioner(new OracleTypeMapping(properties.raw16AsUuid()), source, dmsUser),
                new MultiStageProvisioner(passwords, dmsUser));
    }

    private static SourceCatalog sourceCatalog(SchemaProperties.Source source, DataSource dataSource) {
        return switch (source.dictionaryOrDefault()) {
            case "oracle" -> new OracleDictionary(dataSource);
            case "postgresql" -> new PostgresSourceCatalog(dataSource);
            default -> throw new IllegalStateException("dmsflow.schema.source.dictionary is '" + source.dictionary()
                    + "'; it must be oracle or postgresql");
        };
    }

    @Bean
    ProvisionOnStartup provisionOnStartup(Provisioner provisioner, SchemaProperties properties) {
        return new ProvisionOnStartup(provisioner, properties.provisionOnStartup());
    }
}
