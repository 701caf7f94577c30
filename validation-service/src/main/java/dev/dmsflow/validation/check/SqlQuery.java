package dev.dmsflow.validation.check;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** SQL text built from checked, quoted identifiers, with every value a bound parameter appended in text order. */
final class SqlQuery {

    /** A text array parameter (thresholds, keys), cast in the SQL to the type it stands for. */
    record TextArray(List<String> values) {
    }

    /** A bool array parameter (which buckets a scan keeps). */
    record BoolArray(List<Boolean> values) {
    }

    /** A float8 array parameter (percentile fractions). */
    record DoubleArray(List<Double> values) {
    }

    interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    private final StringBuilder sql = new StringBuilder();
    private final List<Object> params = new ArrayList<>();

    SqlQuery sql(String text) {
        sql.append(text);
        return this;
    }

    /** Appends {@code placeholderSql} (containing exactly one {@code ?}) and binds {@code value} to it. */
    SqlQuery param(String placeholderSql, Object value) {
        sql.append(placeholderSql);
        params.add(value);
        return this;
    }

    String text() {
        return sql.toString();
    }

    <T> List<T> list(Connection connection, RowReader<T> reader) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
                statement.setObject(i + 1, jdbcValue(connection, params.get(i)));
            }
            List<T> result = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    result.add(reader.read(rows));
                }
            }
            return result;
        }
    }

    <T> T single(Connection connection, RowReader<T> reader) throws SQLException {
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
        return value;
    }
}
