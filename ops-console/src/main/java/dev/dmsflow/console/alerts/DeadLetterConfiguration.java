package dev.dmsflow.console.alerts;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.DefaultErrorHandler;

@Configuration
class DeadLetterConfiguration {

    static final String FACTORY = "deadLetterListenerFactory";

    /**
     * The services' consumer settings (group, offsets from the beginning, read_committed) with the values read as
     * bytes: a dead-letter record's value is whatever could not be handled. The shared error handler: a database
     * outage waits, as for the event topics.
     */
    @Bean(FACTORY)
    ConcurrentKafkaListenerContainerFactory<String, byte[]> deadLetterListenerFactory(KafkaProperties kafka, DefaultErrorHandler errorHandler) {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
        config.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        ConcurrentKafkaListenerContainerFactory<String, byte[]> factory = new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(), new ByteArrayDeserializer()));
        factory.setCommonErrorHandler(errorHandler);
        return factory;
    }
}
