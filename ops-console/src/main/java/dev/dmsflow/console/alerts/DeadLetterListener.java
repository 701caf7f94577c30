package dev.dmsflow.console.alerts;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.support.kafka.KafkaSupportAutoConfiguration;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.stereotype.Component;

/**
 * Thin: the dead-letter topics into the alerts page and the live feed. Their values are the original bytes (maybe
 * undecodable, which is why they are there), so only the headers are read.
 */
@Component
class DeadLetterListener {

    private final AlertStore store;
    private final AlertFeed feed;

    DeadLetterListener(AlertStore store, AlertFeed feed) {
        this.store = store;
        this.feed = feed;
    }

    @KafkaListener(id = "ops-console-dead-letters", containerFactory = DeadLetterConfiguration.FACTORY, topics = {
            Topics.TASK_REQUESTED + Topics.DLT_SUFFIX, Topics.TASK_PROGRESS + Topics.DLT_SUFFIX,
            Topics.FULL_LOAD_COMPLETED + Topics.DLT_SUFFIX, Topics.WINDOW_STAGED + Topics.DLT_SUFFIX,
            Topics.MERGE_COMPLETED + Topics.DLT_SUFFIX, Topics.VALIDATION_REQUESTED + Topics.DLT_SUFFIX,
            Topics.VALIDATION_PASSED + Topics.DLT_SUFFIX, Topics.ALERTS + Topics.DLT_SUFFIX,
            Topics.REPAIRS + Topics.DLT_SUFFIX})
    void onDeadLetter(ConsumerRecord<String, byte[]> record) {
        String originalTopic = text(record, KafkaHeaders.DLT_ORIGINAL_TOPIC);
        DeadLetter deadLetter = new DeadLetter(
                originalTopic != null ? originalTopic : record.topic().substring(0, record.topic().length() - Topics.DLT_SUFFIX.length()),
                originalTopic != null ? number(record, KafkaHeaders.DLT_ORIGINAL_PARTITION, record.partition()) : record.partition(),
                originalTopic != null ? number(record, KafkaHeaders.DLT_ORIGINAL_OFFSET, record.offset()) : record.offset(),
                record.topic(), record.key(), text(record, KafkaSupportAutoConfiguration.REASON_HEADER),
                text(record, KafkaHeaders.DLT_EXCEPTION_FQCN), Instant.ofEpochMilli(record.timestamp()));
        if (store.append(deadLetter)) {
            feed.onDeadLetter(deadLetter);
        }
    }

    private static String text(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Spring Kafka writes the original partition as 4 bytes and the offset as 8. */
    private static long number(ConsumerRecord<?, ?> record, String name, long otherwise) {
        Header header = record.headers().lastHeader(name);
        if (header == null) {
            return otherwise;
        }
        ByteBuffer value = ByteBuffer.wrap(header.value());
        return header.value().length == Integer.BYTES ? value.getInt() : value.getLong();
    }

    private static int number(ConsumerRecord<?, ?> record, String name, int otherwise) {
        return (int) number(record, name, (long) otherwise);
    }
}
