package dev.dmsflow.controller.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The rendered bounds select exactly the half-open window when a database evaluates them as DMS does
 * ({@code column BETWEEN start AND end}): a row at {@code to} is outside, a row one step before it is inside.
 */
class WindowBoundaryIT {

    private final JdbcTemplate jdbc = new JdbcTemplate(DmsflowInfrastructure.shared().dataSource(Database.SOURCE));

    @Test
    void betweenTheRenderedBoundsIsTheHalfOpenWindow() {
        jdbc.execute("DROP TABLE IF EXISTS window_boundary");
        jdbc.execute("CREATE TABLE window_boundary (label text, at_date timestamp(0), at_micros timestamp(6))");
        jdbc.update("INSERT INTO window_boundary VALUES"
                + " ('before from', '2025-12-31 23:59:59', '2025-12-31 23:59:59.999999'),"
                + " ('at from', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),"
                + " ('last step before to', '2026-01-31 23:59:59', '2026-01-31 23:59:59.999999'),"
                + " ('at to', '2026-02-01 00:00:00', '2026-02-01 00:00:00')");
        Instant from = Instant.parse("2026-01-01T00:00:00Z");
        Instant to = Instant.parse("2026-02-01T00:00:00Z");

        assertThat(selected("at_date", WindowBounds.of(from, to, 0))).containsExactly("at from", "last step before to");
        assertThat(selected("at_micros", WindowBounds.of(from, to, 6))).containsExactly("at from", "last step before to");
    }

    private List<String> selected(String column, WindowBounds bounds) {
        return jdbc.queryForList("SELECT label FROM window_boundary WHERE " + column + " BETWEEN ?::timestamp AND ?::timestamp ORDER BY " + column,
                String.class, bounds.start(), bounds.end());
    }
}
