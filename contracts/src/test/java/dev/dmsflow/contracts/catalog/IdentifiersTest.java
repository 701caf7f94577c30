package dev.dmsflow.contracts.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class IdentifiersTest {

    @Test
    void namesFromACatalogFileOrARequestMustBePlain() {
        assertThat(Identifiers.quote("order_id")).isEqualTo("\"order_id\"");
        assertThatThrownBy(() -> Identifiers.quote("x\"; DROP TABLE t; --")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Identifiers.quote("a?b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesADatabaseGivesAreEscapedWhateverTheyHold() {
        assertThat(Identifiers.escape("ORDER#")).isEqualTo("\"ORDER#\"");
        assertThat(Identifiers.escape("we\"ird?")).isEqualTo("\"we\"\"ird?\"");
    }

    @Test
    void aColumnListHandsEachRendererTheQuotedName() {
        assertThat(Identifiers.list(List.of("id", "name"), Function.identity())).isEqualTo("\"id\", \"name\"");
        assertThat(Identifiers.list(List.of("id", "name"), c -> c + " = s." + c)).isEqualTo("\"id\" = s.\"id\", \"name\" = s.\"name\"");
        assertThatThrownBy(() -> Identifiers.list(List.of("id", "bad name"), Function.identity())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void plainNamesBecomeAStringLiteral() {
        assertThat(Identifiers.literal("staging", "orders")).isEqualTo("'staging.orders'");
        assertThat(Identifiers.literal("orders")).isEqualTo("'orders'");
        assertThatThrownBy(() -> Identifiers.literal("staging", "o'rders")).isInstanceOf(IllegalArgumentException.class);
    }
}
