package dev.dmsflow.infra;

/** The databases of the embedded PostgreSQL server, as in a real deployment's topology. */
public enum Database {
    /** Stands in for the Oracle source (the local engine reads it through the same JDBC path). */
    SOURCE("dmsflow_source"),
    /** PostgreSQL database 1: staging, production, admin, the multi-stage target and the services' own schemas. */
    DB1("dmsflow_db1"),
    /** PostgreSQL database 2: the existing table the multi-stage view joins over postgres_fdw. */
    DB2("dmsflow_db2");

    private final String databaseName;

    Database(String databaseName) {
        this.databaseName = databaseName;
    }

    public String databaseName() {
        return databaseName;
    }
}
