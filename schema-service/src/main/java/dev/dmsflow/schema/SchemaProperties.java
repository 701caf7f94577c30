package dev.dmsflow.schema;

import dev.dmsflow.support.jdbc.JdbcSource;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Retries of a load check and the publish timeout are shared by every stage: {@code dmsflow.run.*},
 * {@code dmsflow.kafka.publish-timeout}.
 *
 * @param provisionOnStartup provision the catalog's structures when the service starts (before it consumes events)
 * @param dmsUser            PostgreSQL role DMS connects as: gets the seed's grants on the provisioned objects and a
 *                           user mapping on each foreign server; none when unset
 * @param raw16AsUuid        map Oracle RAW(16) columns to uuid instead of bytea when creating tables
 * @param source             the source database, read (its catalog only) to check each window column's precision and,
 *                           for Oracle, to create production tables that do not exist yet
 * @param fdwPasswords       foreign server name → password of its user mapping; a server not listed here takes the
 *                           environment variable its catalog entry names ({@code passwordEnv})
 */
@ConfigurationProperties("dmsflow.schema")
public record SchemaProperties(@DefaultValue("true") boolean provisionOnStartup,
                        String dmsUser,
                        @DefaultValue("false") boolean raw16AsUuid,
                        @DefaultValue Source source,
                        Map<String, String> fdwPasswords) {

    public SchemaProperties {
        fdwPasswords = fdwPasswords == null ? Map.of() : Map.copyOf(fdwPasswords);
    }

    /**
     * @param url        JDBC URL of the source, e.g. {@code jdbc:oracle:thin:@//oracle:1521/FREEPDB1}; unset: no source
     * @param username   the source user (reads the catalog only)
     * @param password   its password (also from {@code DMSFLOW_SCHEMA_SOURCE_PASSWORD_FILE}); never logged
     * @param dictionary how the source describes its tables: {@code oracle} (ALL_TAB_COLS and friends) or
     *                   {@code postgresql} (information_schema); unset: {@code postgresql} for a jdbc:postgresql URL,
     *                   {@code oracle} otherwise
     */
    public record Source(String url, String username, String password, String dictionary) {

        /** {@code oracle} or {@code postgresql}. */
        public String dictionaryOrDefault() {
            if (dictionary != null && !dictionary.isBlank()) {
                return dictionary.strip().toLowerCase(Locale.ROOT);
            }
            return url != null && url.startsWith("jdbc:postgresql:") ? "postgresql" : "oracle";
        }

        /** The connection part, which prints without its password and opens the pool. */
        public JdbcSource jdbc() {
            return new JdbcSource(url, username, password);
        }

        @Override
        public String toString() {
            return "Source[" + jdbc() + ", dictionary=" + dictionary + "]";
        }
    }

    @Override
    public String toString() {
        // passwords stay out of anything that prints the properties
        return "SchemaProperties[provisionOnStartup=" + provisionOnStartup + ", dmsUser=" + dmsUser
                + ", raw16AsUuid=" + raw16AsUuid + ", source=" + source.jdbc().redactedUrl() + ", fdwPasswords for " + fdwPasswords.keySet()
                + "]";
    }
}
