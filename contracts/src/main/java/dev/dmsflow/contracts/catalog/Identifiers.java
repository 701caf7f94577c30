package dev.dmsflow.contracts.catalog;

import java.util.Collection;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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

    /**
     * Any name double-quoted, a quote inside it doubled: for names a database's own catalog or a DMS table mapping
     * gives (an Oracle source's {@code ORDER#}), never for one a request or the catalog file gives ({@link #quote}).
     */
    public static String escape(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** Each name quoted ({@link #quote}) and handed to {@code render}, joined with ", ": column lists of generated SQL. */
    public static String list(Collection<String> names, Function<String, String> render) {
        return names.stream().map(name -> render.apply(quote(name))).collect(Collectors.joining(", "));
    }

    /**
     * Plain names, joined with dots, as an SQL string literal ({@code 'staging.orders'}) for generated views and
     * catalog lookups: plain names hold no quote, so nothing needs escaping; refuses anything that is not plain.
     */
    public static String literal(String... plainNames) {
        for (String name : plainNames) {
            if (!isPlain(name)) {
                throw new IllegalArgumentException("Not a plain identifier: " + name);
            }
        }
        return "'" + String.join(".", plainNames) + "'";
    }

    /** schema.table, both quoted. */
    public static String qualified(String schema, String table) {
        return quote(schema) + '.' + quote(table);
    }
}
