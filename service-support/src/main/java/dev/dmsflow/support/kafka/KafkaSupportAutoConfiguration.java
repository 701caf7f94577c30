package dev.dmsflow.support.kafka;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.support.jdbc.TransientFaults;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.ListenerContainerRegistry;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Kafka wiring every service shares: the dmsflow topics and their dead-letter topics, the one error handler
 * (bounded exponential backoff, then the record goes to {@code <topic>.dlt} with the exception and
 * {@value #REASON_HEADER} in its headers, and a stage's input record also ends its run with a TaskFailed, see
 * {@link GiveUpRecoverer}; a record failing because the database is unreachable is retried without limit instead, the
 * consumer paused meanwhile, see {@link OutageBackOffHandler}), the consumers' poll interval from {@code dmsflow.kafka.max-processing-time}, and
 * Kafka health. Serializers, idempotent producers and ErrorHandlingDeserializer come from the service defaults.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@EnableConfigurationProperties(DmsflowKafkaProperties.class)
public class KafkaSupportAutoConfiguration {

    /** Header of a dead-lettered record with the reason it could not be processed, in plain words. */
    public static final String REASON_HEADER = "dmsflow_dlt-reason";

    @Bean
    KafkaAdmin.NewTopics dmsflowTopics(DmsflowKafkaProperties properties) {
        List<NewTopic> topics = new ArrayList<>();
        for (String topic : Topics.VALUE_TYPES.keySet()) {
            topics.add(new NewTopic(topic, properties.partitions(), properties.replicationFactor()));
            topics.add(new NewTopic(Topics.deadLetterTopic(topic), properties.partitions(), properties.replicationFactor()));
        }
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }

    @Bean
    OutageBackOffHandler dmsflowBackOffHandler(ListenerContainerRegistry registry) {
        return new OutageBackOffHandler(registry);
    }

    @Bean
    DefaultErrorHandler kafkaErrorHandler(ProducerFactory<Object, Object> producerFactory, KafkaTemplate<Object, Object> template,
                                          DmsflowKafkaProperties properties, Environment environment, OutageBackOffHandler backOffHandler) {
        // Undecodable records arrive as their original bytes (ErrorHandlingDeserializer), decoded ones as events:
        // each is republished with a template whose serializer fits it.
        Map<Class<?>, KafkaOperations<?, ?>> templates = new LinkedHashMap<>();
        templates.put(byte[].class, new KafkaTemplate<>(producerFactory.copyWithConfigurationOverride(
                Map.of(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))));
        templates.put(SpecificRecord.class, template);
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(templates,
                (record, exception) -> new TopicPartition(Topics.deadLetterTopic(record.topic()), -1));
        recoverer.addHeadersFunction((record, exception) ->
                new RecordHeaders().add(REASON_HEADER, reason(exception).getBytes(StandardCharsets.UTF_8)));
        // a stage's input record given up on also ends its run: TaskFailed on the alerts topic
        GiveUpRecoverer giveUp = new GiveUpRecoverer(recoverer, template, properties.stageByTopic(),
                environment.getProperty("spring.application.name", "dmsflow"), properties.publishTimeout(), Clock.systemUTC());
        DmsflowKafkaProperties.Retry retry = properties.retry();
        ExponentialBackOffWithMaxRetries backOff = new ExponentialBackOffWithMaxRetries(retry.maxRetries());
        backOff.setInitialInterval(retry.initialInterval().toMillis());
        backOff.setMultiplier(2.0);
        backOff.setMaxInterval(retry.maxInterval().toMillis());
        DefaultErrorHandler handler = new DefaultErrorHandler(giveUp, backOff, backOffHandler);
        // the database unreachable: wait for it however long it takes (the consumer paused meanwhile), never dead-letter
        ExponentialBackOff outage = new ExponentialBackOff(retry.initialInterval().toMillis(), 2.0);
        outage.setMaxInterval(retry.outageMaxInterval().toMillis());
        handler.setBackOffFunction((record, exception) -> TransientFaults.isTransientFailure(exception) ? outage : null);
        handler.setRetryListeners(giveUp);
        return handler;
    }

    /**
     * Consumers may take {@code dmsflow.kafka.max-processing-time} per poll ({@code max.poll.interval.ms}); with
     * {@code max.poll.records=1} (service defaults) that is per record. Overrides a {@code max.poll.interval.ms} set as
     * a plain Kafka property: the typed property is the one setting.
     */
    @Bean
    DefaultKafkaConsumerFactoryCustomizer dmsflowMaxPollInterval(DmsflowKafkaProperties properties) {
        long millis = properties.maxProcessingTime().toMillis();
        if (millis <= 0 || millis > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("dmsflow.kafka.max-processing-time must be positive and at most "
                    + Duration.ofMillis(Integer.MAX_VALUE) + ", was " + properties.maxProcessingTime());
        }
        return factory -> factory.updateConfigs(Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) millis));
    }

    /**
     * The first message in the cause chain that is not a Spring Kafka wrapper: "failed to deserialize" or "Listener
     * method ... threw exception" tell ops nothing, the serde's or the handler's own message does.
     */
    static String reason(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (!t.getClass().getName().startsWith("org.springframework.kafka.") && t.getMessage() != null) {
                return t.getMessage();
            }
        }
        return String.valueOf(exception);
    }

    @Bean
    EventPublisher eventPublisher(KafkaTemplate<String, SpecificRecord> template) {
        return new EventPublisher(template);
    }

    @Bean
    KafkaHealthIndicator kafkaHealthIndicator(KafkaAdmin kafkaAdmin) {
        Map<String, Object> config = kafkaAdmin.getConfigurationProperties();
        return new KafkaHealthIndicator(Admin.create(config), KafkaLogin.of(config));
    }
}
