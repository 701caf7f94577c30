package dev.dmsflow.controller.engine.local;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The local JDBC engine: the source it reads (Oracle through ojdbc11, or PostgreSQL); it writes the controller's
 * PostgreSQL (spring.datasource), where the staging tables are.
 *
 * @param fetchSize rows fetched from the source per round trip: memory stays bounded whatever the table size
 */
@ConfigurationProperties("dmsflow.controller.local")
public record LocalEngineProperties(Source source, @DefaultValue("5000") int fetchSize) {

    /** @param password never logged */
    public record Source(String url, String username, String password) {

        @Override
        public String toString() {
            // a record prints every component, the password too: this one must never reach a log or an error message
            return "Source[url=" + url + ", username=" + username + ", password=" + (password == null ? "none" : "****") + "]";
        }
    }
}
