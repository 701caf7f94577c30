package dev.dmsflow.merge.window;

import static dev.dmsflow.contracts.catalog.Identifiers.quote;

import java.util.stream.Collectors;

/**
 * The newer-wins rule as SQL, shared by every merge: a source row replaces a target row only when its window column
 * is strictly greater. NULL counts as older than any value: a source NULL never replaces anything, a source value
 * replaces a target NULL, and equal values (or NULL on both sides) keep the target, because a copy that is not
 * provably newer must not overwrite what CDC wrote. A table without a window column has no notion of newer: the
 * source copy replaces a target row that differs from it.
 */
public final class NewerWins {

    private NewerWins() {
    }

    /** The condition, with the target aliased {@code target} and the source {@code source} (e.g. EXCLUDED). */
    public static String condition(TableShape shape, String target, String source) {
        if (shape.windowColumn().isEmpty()) {
            return "(" + columns(shape, target) + ") IS DISTINCT FROM (" + columns(shape, source) + ")";
        }
        String window = quote(shape.windowColumn().get());
        return "(" + source + "." + window + " IS NOT NULL AND (" + target + "." + window + " IS NULL OR "
                + source + "." + window + " > " + target + "." + window + "))";
    }

    private static String columns(TableShape shape, String alias) {
        return shape.updatableColumns().stream().map(c -> alias + "." + quote(c)).collect(Collectors.joining(", "));
    }
}
