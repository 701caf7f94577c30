package dev.dmsflow.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void everyEventTypeHasExactlyOneTopic() {
        List<Class<?>> mapped = Topics.VALUE_TYPES.values().stream().<Class<?>>flatMap(List::stream).toList();
        assertThat(mapped).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(SampleEvents.all("r").keySet());
    }

    @Test
    void deadLetterTopicsFollowTheArchitecture() {
        assertThat(Topics.deadLetterTopic(Topics.TASK_REQUESTED)).isEqualTo("dmsflow.task-requested.dlt");
        assertThat(Topics.VALUE_TYPES.get(Topics.ALERTS)).hasSize(2);
    }
}
