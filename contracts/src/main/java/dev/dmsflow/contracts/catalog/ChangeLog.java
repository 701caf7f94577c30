package dev.dmsflow.contracts.catalog;

import static dev.dmsflow.contracts.catalog.Identifiers.quote;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.CRC32;

/**
 * Where the change log of a production table lives and what its columns are called: the contract between
 * schema-service (which provisions the log and its trigger), merge-service (which lets the changes since a load's start
 * win over the load's copy) and validation-service (which reports them as in flight instead of failing).
 *
 * <p>The log of {@code production.orders} is {@code dmsflow_changes.production__orders}: the production table's key
 * columns (same types and collations), {@value #OPERATION} (char(1): {@code I}, {@code U} or {@code D}) and
 * {@value #CHANGED_AT} ({@code clock_timestamp()} of the change). A write whose session sets {@value #WRITER_SETTING}
 * to {@value #MERGE_WRITER} (the merge's own writes) is not logged.
 *
 * <p>Why a trigger and a log rather than {@code track_commit_timestamp}: the latter needs a server restart and a
 * superuser, and keeps nothing of a deleted row, the case that matters most. The trigger is {@code ENABLE ALWAYS}, so
 * it also fires for sessions with {@code session_replication_role = replica} (as DMS may apply changes), and its
 * function is {@code SECURITY DEFINER}, so the CDC user needs no privilege on the log. The log is indexed by time only:
 * a merge reads the changes since its watermark, a short range, and joins them by key.
 */
public final class ChangeLog {

    public static final String SCHEMA = "dmsflow_changes";
    public static final String OPERATION = "dmsflow_op";
    public static final String CHANGED_AT = "dmsflow_changed_at";
    /** Session setting that marks dmsflow's own writes to production, which are not changes made by CDC. */
    public static final String WRITER_SETTING = "dmsflow.writer";
    public static final String MERGE_WRITER = "merge";
    /** The value dmsflow's loaders of staging tables set: multi-stage sync triggers leave their statements alone. */
    public static final String LOAD_WRITER = "load";

    private ChangeLog() {
    }

    /** The log table of a production table. */
    public static QualifiedName of(QualifiedName production) {
        String name = production.schema() + "__" + production.table();
        if (name.getBytes(StandardCharsets.UTF_8).length > 63) {
            // PostgreSQL would truncate the name silently; keep it unique with a checksum of the full name
            CRC32 crc = new CRC32();
            crc.update(name.getBytes(StandardCharsets.UTF_8));
            name = name.substring(0, 50) + "_" + HexFormat.of().toHexDigits((int) crc.getValue());
        }
        return new QualifiedName(SCHEMA, name);
    }

    /** The trigger on the production table that writes the log. */
    public static String triggerName() {
        return "dmsflow_change_log";
    }

    /**
     * A key column of the production table as the log repeats it.
     *
     * @param type      the type as PostgreSQL's {@code format_type} prints it (read from the database catalog)
     * @param collation a non-default collation of the column as DDL writes it after {@code COLLATE} (quoted), or null: the
     *                  log's key must compare like production's
     */
    public record KeyColumn(String name, String type, String collation) {
    }

    /** The statements that create the log, its index, its function and the trigger of one production table, in order. */
    public static List<String> ddl(QualifiedName production, List<KeyColumn> keys) {
        QualifiedName log = of(production);
        String function = log.quoted() + "()";
        String index = (log.table().length() > 55 ? log.table().substring(0, 55) : log.table()) + "_time";
        return List.of(
                logTable(log, keys),
                "CREATE INDEX " + quote(index) + " ON " + log.quoted() + " (" + quote(CHANGED_AT) + ")",
                logFunction(log, keys),
                trigger(production, function),
                enableAlways(production));
    }

    static String logTable(QualifiedName log, List<KeyColumn> keys) {
        String columns = keys.stream()
                .map(k -> quote(k.name()) + " " + k.type() + (k.collation() == null ? "" : " COLLATE " + k.collation()) + " NOT NULL")
                .collect(Collectors.joining(", "));
        return "CREATE TABLE " + log.quoted() + " (" + columns + ", " + quote(OPERATION) + " char(1) NOT NULL, "
                + quote(CHANGED_AT) + " timestamptz NOT NULL DEFAULT clock_timestamp())";
    }

    /** One INSERT per changed row; an update that changes the key is a delete of the old key and an insert of the new. */
    public static String logFunction(QualifiedName log, List<KeyColumn> keys) {
        String columns = keys.stream().map(k -> quote(k.name())).collect(Collectors.joining(", ")) + ", " + quote(OPERATION);
        String oldKey = keys.stream().map(k -> "OLD." + quote(k.name())).collect(Collectors.joining(", "));
        String newKey = keys.stream().map(k -> "NEW." + quote(k.name())).collect(Collectors.joining(", "));
        String insert = "INSERT INTO " + log.quoted() + " (" + columns + ") VALUES ";
        return "CREATE OR REPLACE FUNCTION " + log.quoted() + "() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER"
                + " SET search_path = pg_catalog, pg_temp AS $dmsflow$\n"
                + "BEGIN\n"
                + "  IF TG_OP = 'INSERT' THEN\n"
                + "    " + insert + "(" + newKey + ", 'I');\n"
                + "  ELSIF TG_OP = 'DELETE' THEN\n"
                + "    " + insert + "(" + oldKey + ", 'D');\n"
                + "  ELSIF (" + oldKey + ") IS NOT DISTINCT FROM (" + newKey + ") THEN\n"
                + "    " + insert + "(" + newKey + ", 'U');\n"
                + "  ELSE\n"
                + "    " + insert + "(" + oldKey + ", 'D'), (" + newKey + ", 'I');\n"
                + "  END IF;\n"
                + "  RETURN NULL;\n"
                + "END\n$dmsflow$";
    }

    /** Skips the merge's own writes (it marks its transaction) with a WHEN clause: no function call per merged row. */
    public static String trigger(QualifiedName production, String function) {
        return "CREATE TRIGGER " + quote(triggerName()) + " AFTER INSERT OR UPDATE OR DELETE ON " + production.quoted()
                + " FOR EACH ROW WHEN (current_setting('" + WRITER_SETTING + "', true) IS DISTINCT FROM '" + MERGE_WRITER
                + "') EXECUTE FUNCTION " + function;
    }

    /** Deletes a log's entries older than a bound: no run looks further back. Binds the bound (timestamptz). */
    public static String prune(QualifiedName production) {
        return "DELETE FROM " + of(production).quoted() + " WHERE " + quote(CHANGED_AT) + " < ?";
    }

    public static String enableAlways(QualifiedName production) {
        return "ALTER TABLE " + production.quoted() + " ENABLE ALWAYS TRIGGER " + quote(triggerName());
    }

}
