package dev.dmsflow.contracts.catalog;

import java.util.regex.Pattern;

/** Plain SQL identifiers: the only names dmsflow accepts from a catalog or a request, and it always quotes them. */
public final class Identifiers {

    // Letters, digits, _ and $ (Oracle allows $ and #; # is not accepted by PostgreSQL unquoted, so not here),
    // at most 63 bytes: PostgreSQL's NAMEDATALEN - 1, beyond which it truncates silently.
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

    private Identifiers() {
    }

    public static boolean isPlain(String name) {
        return name != null && PLAIN.matcher(name).matches();
    }

    /** The identifier double-quoted for PostgreSQL; refuses anything that is not plain. */
    public static String quote(String name) {
        if (!isPlain(name)) {
            throw new IllegalArgumentException("Not a plain identifier: " + name);
        }
        return '"' + name + '"';
    }

    /** schema.table, both quoted. */
    public static String qualified(String schema, String table) {
        return quote(schema) + '.' + quote(table);
    }
}
