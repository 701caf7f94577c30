package dev.dmsflow.support.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Dynamic SQL the one way dmsflow builds it: text from checked, quoted identifiers ({@code Identifiers}), and every
 * value a bound parameter appended next to its placeholder, so text and binds cannot drift apart.
 */
public final class SqlQuery {

    /** A text array parameter (thresholds, keys), cast in the SQL to the type it stands for. */
    public record TextArray(List<String> values) {
    }

    /** A bool array parameter (which buckets a scan keeps). */
    public record BoolArray(List<Boolean> values) {
    }

    /** A float8 array parameter (percentile fractions). */
    public record DoubleArray(List<Double> values) {
    }

    /**
     * A text bound as a CLOB (Oracle: a longer String than 32k characters would be bound as LONG, which no SQL function
     * takes), freed once the statement has run.
     */
    public record Clob(String text) {
    }

    public interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    private final StringBuilder sql = new StringBuilder();
    private final List<Object> params = new ArrayList<>();

    public SqlQuery sql(String text) {
        sql.append(text);
        return this;
    }

    /** Appends {@code placeholderSql} (containing exactly one {@code ?}) and binds {@code value} to it. */
    public SqlQuery param(String placeholderSql, Object value) {
        sql.append(placeholderSql);
        params.add(value);
        return this;
    }

    public String text() {
        return sql.toString();
    }

    /** The bound values, in placeholder order. */
    public List<Object> params() {
        return List.copyOf(params);
    }

    public <T> List<T> list(Connection connection, RowReader<T> reader) throws SQLException {
        List<java.sql.Clob> clobs = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
                Object value = jdbcValue(connection, params.get(i));
                if (value instanceof java.sql.Clob clob) {
                    clobs.add(clob);
                }
                statement.setObject(i + 1, value);
            }
            List<T> result = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    result.add(reader.read(rows));
                }
            }
            return result;
        } finally {
            for (java.sql.Clob clob : clobs) {
                clob.free();
            }
        }
    }

    public <T> T single(Connection connection, RowReader<T> reader) throws SQLException {
        return list(connection, reader).get(0);
    }

    private static Object jdbcValue(Connection connection, Object value) throws SQLException {
        if (value instanceof TextArray array) {
            return connection.createArrayOf("text", array.values().toArray());
        }
        if (value instanceof BoolArray array) {
            return connection.createArrayOf("bool", array.values().toArray());
        }
        if (value instanceof DoubleArray array) {
            return connection.createArrayOf("float8", array.values().toArray());
        }
        if (value instanceof Clob text) {
            java.sql.Clob clob = connection.createClob();
            clob.setString(1, text.text());
            return clob;
        }
        return value;
    }
}
