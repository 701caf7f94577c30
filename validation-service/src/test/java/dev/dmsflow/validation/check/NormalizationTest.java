package dev.dmsflow.validation.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class NormalizationTest {

    private static Column column(String name, String type, int typmod) {
        return new Column(name, type, type, typmod);
    }

    @Test
    void numericScaleIsTrimmed() {
        assertThat(Normalization.value("s", column("amount", "numeric", 655366), column("amount", "numeric", 786440)))
                .isEqualTo("trim_scale(s.\"amount\")::text");
    }

    @Test
    void timestampsAreRoundedToTheCoarserSideAndRenderedInUtc() {
        Column oracleDate = column("created_at", "timestamp", 0);
        Column micros = column("created_at", "timestamptz", -1);

        assertThat(Normalization.value("p", micros, oracleDate))
                .isEqualTo("to_char((p.\"created_at\" AT TIME ZONE 'UTC')::timestamp(0), 'YYYY-MM-DD HH24:MI:SS.US')");
        assertThat(Normalization.value("s", oracleDate, micros))
                .isEqualTo("to_char(s.\"created_at\"::timestamp(0), 'YYYY-MM-DD HH24:MI:SS.US')");
    }

    @Test
    void emptyStringIsNullAndCharPaddingIsDropped() {
        assertThat(Normalization.value("s", column("note", "varchar", 24), column("note", "varchar", 24))).isEqualTo("nullif(s.\"note\"::text, '')");
        assertThat(Normalization.value("s", column("code", "bpchar", 9), column("code", "bpchar", 9))).isEqualTo("nullif(rtrim(s.\"code\"::text), '')");
    }

    @Test
    void rowAndKeyTexts() {
        Column id = column("id", "int8", -1);
        assertThat(Normalization.row("s", List.of(id), List.of(id))).isEqualTo("ROW(s.\"id\"::text)::text");
        assertThat(Normalization.row("s", List.of(), List.of())).isEqualTo("''");
        assertThat(Normalization.keyText("s", List.of("order_id", "line_no")))
                .isEqualTo("'(' || concat_ws(', ', s.\"order_id\"::text, s.\"line_no\"::text) || ')'");
    }

    @Test
    void columnNamesThatAreNotPlainAreRefused() {
        assertThatThrownBy(() -> Normalization.quote("a\"; DROP")).isInstanceOf(InvalidRunException.class);
    }
}
