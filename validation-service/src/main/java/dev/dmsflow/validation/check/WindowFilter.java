package dev.dmsflow.validation.check;

import dev.dmsflow.support.jdbc.WindowBound;
import dev.dmsflow.support.sql.SqlQuery;
import java.time.Instant;

/**
 * The run's half-open window {@code [from, to)} on a window column, bound with the Java type that matches the column:
 * an instant for timestamptz, UTC wall time for timestamp (and date), so no session time zone takes part.
 */
record WindowFilter(Instant from, Instant to) {

    static Object bound(Column column, Instant instant) {
        return WindowBound.value(instant, column.typeName());
    }

    /** {@code ref >= from AND ref < to}. */
    SqlQuery inside(SqlQuery query, String ref, Column column) {
        return query.sql("(" + ref).param(" >= ?", bound(column, from)).sql(" AND " + ref).param(" < ?)", bound(column, to));
    }

    /** {@code ref IS NULL OR ref < from OR ref >= to}: NULL is in no window. */
    SqlQuery outside(SqlQuery query, String ref, Column column) {
        return query.sql("(" + ref + " IS NULL OR " + ref).param(" < ?", bound(column, from)).sql(" OR " + ref).param(" >= ?)", bound(column, to));
    }

    /** {@code ref < instant}, for the load start. */
    static SqlQuery before(SqlQuery query, String ref, Column column, Instant instant) {
        return query.sql(ref).param(" < ?", bound(column, instant));
    }
}
