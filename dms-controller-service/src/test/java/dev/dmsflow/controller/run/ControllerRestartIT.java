package dev.dmsflow.controller.run;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.dmsflow.controller.run.ControllerTestSupport.JANUARY;
import static dev.dmsflow.controller.run.ControllerTestSupport.request;
import static dev.dmsflow.controller.run.ControllerTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.controller.DmsControllerApplication;
import dev.dmsflow.controller.engine.dms.DmsStub;
import dev.dmsflow.controller.run.ControllerTestSupport.Task;
import dev.dmsflow.infra.EmbeddedInfrastructureInitializer;
import dev.dmsflow.infra.TopicProbe;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;

/** The service stops while a task runs; the next instance resumes polling and publishes FullLoadCompleted once. */
class ControllerRestartIT {

    @RegisterExtension
    static WireMockExtension wireMock = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Test
    @SuppressWarnings("unchecked")
    void aRestartedControllerResumesARunningTaskAndPublishesFullLoadCompletedOnce() {
        DmsStub dms = new DmsStub(wireMock);
        String requestId = "req-" + UUID.randomUUID();
        Task task = Task.of(requestId);
        dms.acceptsCreate(task.identifier(), task.arn(), "full-load");
        dms.statistics(task.arn(), List.<Object[]>of(new Object[] {"APP", "ORDERS", 42L, "Full load"}));
        task.status(dms, "ready", 0, null, null);

        try (TopicProbe<SpecificRecord> topics = new TopicProbe<>(new AvroEventDeserializer(), Topics.FULL_LOAD_COMPLETED)) {
            try (ConfigurableApplicationContext first = start()) {
                first.getBean(KafkaTemplate.class).send(Topics.TASK_REQUESTED, requestId, request(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "orders"));
                JdbcTemplate jdbc = first.getBean(JdbcTemplate.class);
                await().atMost(Duration.ofSeconds(30)).until(() -> dms.requests("StartReplicationTask").size() == 1);
                task.status(dms, "running", 60, null, null);
                await().atMost(Duration.ofSeconds(30)).until(() -> "RUNNING".equals(status(jdbc, requestId)));
            }
            // the task finishes while no controller runs
            dms.statistics(task.arn(), List.<Object[]>of(new Object[] {"APP", "ORDERS", 4242L, "Table completed"}));
            task.status(dms, "stopped", 100, "Stop Reason FULL_LOAD_ONLY_FINISHED", null);

            try (ConfigurableApplicationContext second = start()) {
                FullLoadCompleted completed = topics.await(requestId, FullLoadCompleted.class, 1).get(0);
                assertThat(completed.getTables().get(0).getFullLoadRows()).isEqualTo(4242L);
                assertThat(topics.settle(requestId, FullLoadCompleted.class, Duration.ofSeconds(2))).containsExactly(completed);
                assertThat(dms.requests("CreateReplicationTask")).hasSize(1);
                assertThat(dms.requests("StartReplicationTask")).hasSize(1);
                ControllerTestSupport.finishAllRuns(second.getBean(JdbcTemplate.class));
            }
        }
    }

    private static ConfigurableApplicationContext start() {
        return DmsControllerApplication.application()
                .initializers(new EmbeddedInfrastructureInitializer())
                .properties(ControllerTestSupport.properties(wireMock.baseUrl()))
                .run("--server.port=0");
    }
}
