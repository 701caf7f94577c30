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
    void numericScaleIsTrimmedUnlessBothSidesDeclareTheSameScale() {
        assertThat(Normalization.value("s", column("amount", "numeric", 655366), column("amount", "numeric", 786440)))
                .isEqualTo("trim_scale(s.\"amount\"::numeric)");
        assertThat(Normalization.value("s", column("amount", "numeric", -1), column("amount", "numeric", -1)))
                .isEqualTo("trim_scale(s.\"amount\"::numeric)");
        assertThat(Normalization.value("s", column("amount", "numeric", 655366), column("amount", "numeric", 655366)))
                .isEqualTo("s.\"amount\"");
        assertThat(Normalization.value("s", column("id", "int8", -1), column("id", "numeric", 1245188)))
                .isEqualTo("trim_scale(s.\"id\"::numeric)");
        assertThat(Normalization.value("s", column("id", "int4", -1), column("id", "int8", -1))).isEqualTo("s.\"id\"::int8");
    }

    @Test
    void timestampsAreRoundedToTheCoarserSideAndRenderedInUtc() {
        Column oracleDate = column("created_at", "timestamp", 0);
        Column micros = column("created_at", "timestamptz", -1);

        assertThat(Normalization.value("p", micros, oracleDate)).isEqualTo("(p.\"created_at\" AT TIME ZONE 'UTC')::timestamp(0)");
        assertThat(Normalization.value("s", oracleDate, micros)).isEqualTo("s.\"created_at\"");
        assertThat(Normalization.value("s", micros, micros)).isEqualTo("(s.\"created_at\" AT TIME ZONE 'UTC')");
        assertThat(Normalization.value("s", column("d", "date", -1), oracleDate)).isEqualTo("s.\"d\"::timestamp(0)");
    }

    @Test
    void emptyStringIsNullAndCharPaddingIsDropped() {
        assertThat(Normalization.value("s", column("note", "varchar", 24), column("note", "varchar", 24))).isEqualTo("nullif(s.\"note\"::text, '')");
        assertThat(Normalization.value("s", column("code", "bpchar", 9), column("code", "bpchar", 9))).isEqualTo("nullif(rtrim(s.\"code\"::text), '')");
    }

    @Test
    void differingOrUnhashableTypesAreComparedAsText() {
        assertThat(Normalization.value("s", column("doc", "json", -1), column("doc", "json", -1))).isEqualTo("s.\"doc\"::text");
        assertThat(Normalization.value("s", column("flag", "bool", -1), column("flag", "int4", -1))).isEqualTo("s.\"flag\"::text");
    }

    @Test
    void rowAndKeyTexts() {
        Column id = column("id", "int8", -1);
        assertThat(Normalization.hash(Normalization.row("s", List.of(id), List.of(id)))).isEqualTo("hash_record(ROW(s.\"id\"))");
        assertThat(Normalization.row("s", List.of(), List.of())).isEqualTo("ROW(0)");
        assertThat(Normalization.keyText("s", List.of("order_id", "line_no")))
                .isEqualTo("'(' || concat_ws(', ', s.\"order_id\"::text, s.\"line_no\"::text) || ')'");
    }

    @Test
    void columnNamesThatAreNotPlainAreRefused() {
        assertThatThrownBy(() -> Normalization.quote("a\"; DROP")).isInstanceOf(InvalidRunException.class);
    }
}
