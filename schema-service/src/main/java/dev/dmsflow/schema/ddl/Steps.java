package dev.dmsflow.schema.ddl;

import dev.dmsflow.schema.ddl.ProvisionReport.Outcome;
import dev.dmsflow.schema.ddl.ProvisionReport.Step;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Collects the steps of a provisioning run and runs guarded DDL: objects whose definition is generated (views,
 * functions) carry a comment with the hash of that definition, so an unchanged definition is not replaced again and
 * a second run changes nothing.
 */
public final class Steps {

    static final String MARK = "dmsflow schema-service definition ";

    private final List<Step> steps = new ArrayList<>();

    public void add(String object, Outcome outcome, String detail) {
        steps.add(new Step(object, outcome, detail));
    }

    public List<Step> all() {
        return List.copyOf(steps);
    }

    public int size() {
        return steps.size();
    }

    /** Drops the steps recorded after {@code mark}: their transaction was rolled back. */
    public void rollbackTo(int mark) {
        steps.subList(mark, steps.size()).clear();
    }

    /**
     * Creates or replaces a generated object unless its comment says it already has this definition.
     *
     * @param kind       {@code VIEW} or {@code FUNCTION}
     * @param identity   the object as COMMENT ON names it, e.g. {@code "admin"."v"} or {@code "admin"."f"()}
     * @param definition the CREATE OR REPLACE statement
     */
    public void ensureDefinition(Connection connection, String object, String kind, String identity, boolean exists,
                                 Optional<String> currentComment, String definition) throws SQLException {
        String mark = MARK + sha256(definition);
        if (exists && currentComment.filter(mark::equals).isPresent()) {
            add(object, Outcome.UNCHANGED, "definition unchanged");
            return;
        }
        execute(connection, definition);
        execute(connection, "COMMENT ON " + kind + " " + identity + " IS '" + mark + "'");
        add(object, exists ? Outcome.UPDATED : Outcome.CREATED, exists ? "definition replaced" : "created");
    }

    public static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
