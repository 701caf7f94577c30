package dev.dmsflow.validation.check;

import static dev.dmsflow.validation.check.OrdersFixture.db1;
import static dev.dmsflow.validation.check.OrdersFixture.execute;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.validation.check.CanonicalExamples.Example;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PostgreSQL's side of the canonical form, run for real: every example renders the text Oracle is specified to render. */
class PostgresCanonicalIT {

    @Test
    void everyExampleRendersItsCanonicalText() throws SQLException {
        List<String> columns = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (Example example : CanonicalExamples.ALL) {
            columns.add(example.name() + " " + example.postgresType());
            values.add(example.postgresLiteral());
        }
        execute(db1(), "DROP SCHEMA IF EXISTS canon CASCADE", "CREATE SCHEMA canon",
                "CREATE TABLE canon.examples (" + String.join(", ", columns) + ")",
                "INSERT INTO canon.examples VALUES (" + String.join(", ", values) + ")");
        try (Connection connection = db1().getConnection()) {
            Relation table = DatabaseCatalog.require(connection, "examples", "canon", "examples");
            List<String> rendered = new ArrayList<>();
            for (Example example : CanonicalExamples.ALL) {
                Column column = table.column(example.name());
                rendered.add(PostgresCanonical.value("e." + Normalization.quote(column.name()), column, CanonicalExamples.form(example, column)));
            }
            List<String> actual = CanonicalExamples.firstRow(connection, "SELECT " + String.join(", ", rendered) + " FROM canon.examples e");

            assertThat(actual).containsExactlyElementsOf(CanonicalExamples.ALL.stream().map(Example::expected).toList());
        }
    }

    @Test
    void rowHashesAreTheMd5OfTheGroupsTexts() throws SQLException {
        List<String> values = List.of("'1.5'", "NULL::text", "'ab'", "NULL::text");
        try (Connection connection = db1().getConnection()) {
            List<String> hashes = CanonicalExamples.firstRow(connection, "SELECT "
                    + PostgresCanonical.rowHash(values, List.of(List.of(0, 1, 2))) + ", "
                    + PostgresCanonical.rowHash(values, List.of(List.of(3))) + ", "
                    + PostgresCanonical.rowHash(values, List.of(List.of(0, 1), List.of(2), List.of(3))));

            assertThat(hashes).containsExactly(
                    Long.toString(CanonicalExamples.rowHash(List.of(Arrays.asList("1.5", null, "ab")))),
                    Long.toString(CanonicalExamples.rowHash(List.of(Arrays.asList((String) null)))),
                    Long.toString(CanonicalExamples.rowHash(List.of(Arrays.asList("1.5", null), List.of("ab"), Arrays.asList((String) null)))));
            // a hash above 2^31 stays positive: 32 bits read as an unsigned number
            assertThat(CanonicalExamples.firstRow(connection, "SELECT ('x' || 'ffffffff')::bit(32)::bigint")).containsExactly("4294967295");
        }
    }
}
