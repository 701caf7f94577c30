package dev.dmsflow.controller.engine.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StreamCopyTest {

    @Test
    void literalsTakeThePlaceholdersInOrderAndAreNotSearchedAgain() {
        assertThat(StreamCopy.inline("SELECT \"a?\" FROM t WHERE (\"a?\" = ? OR \"a?\" = ?) AND n BETWEEN CAST(? AS numeric) AND CAST(? AS numeric)",
                List.of("'x?y'", "'it''s ?'", "'1'", "'3'")))
                .isEqualTo("SELECT \"a?\" FROM t WHERE (\"a?\" = 'x?y' OR \"a?\" = 'it''s ?') AND n BETWEEN CAST('1' AS numeric) AND CAST('3' AS numeric)");
    }

    @Test
    void quotedIdentifiersAndLiteralsWithDoubledQuotesHoldNoPlaceholder() {
        assertThat(StreamCopy.inline("SELECT \"we\"\"ird?\" FROM t WHERE c = '?''?' AND d = ?", List.of("'v'")))
                .isEqualTo("SELECT \"we\"\"ird?\" FROM t WHERE c = '?''?' AND d = 'v'");
    }

    @Test
    void aCountThatDoesNotMatchFailsInsteadOfSelectingOtherRows() {
        assertThatThrownBy(() -> StreamCopy.inline("SELECT 1 WHERE a = ? AND b = ?", List.of("'x'")))
                .hasMessageContaining("more placeholders than the 1 filter values");
        assertThatThrownBy(() -> StreamCopy.inline("SELECT 1 WHERE a = ?", List.of("'x'", "'y'")))
                .hasMessageContaining("2 filter values for 1 placeholders");
    }
}
