package dev.dmsflow.contracts.catalog;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * Where the change log of a production table lives and what its columns are called: the contract between
 * schema-service (which provisions the log and its trigger), merge-service (which lets the changes since a load's start
 * win over the load's copy) and validation-service (which reports them as in flight instead of failing).
 *
 * <p>The log of {@code production.orders} is {@code dmsflow_changes.production__orders}: the production table's key
 * columns (same types and collations), {@value #OPERATION} ({@code I}, {@code U} or {@code D}) and
 * {@value #CHANGED_AT} ({@code clock_timestamp()} of the change). A write whose session sets {@value #WRITER_SETTING}
 * to {@value #MERGE_WRITER} (the merge's own writes) is not logged.
 */
public final class ChangeLog {

    public static final String SCHEMA = "dmsflow_changes";
    public static final String OPERATION = "dmsflow_op";
    public static final String CHANGED_AT = "dmsflow_changed_at";
    /** Session setting that marks dmsflow's own writes to production, which are not changes made by CDC. */
    public static final String WRITER_SETTING = "dmsflow.writer";
    public static final String MERGE_WRITER = "merge";

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
}
