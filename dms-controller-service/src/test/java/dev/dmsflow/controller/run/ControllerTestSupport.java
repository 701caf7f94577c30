package dev.dmsflow.controller.run;

import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.RequestedTable;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.controller.engine.dms.DmsStub;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/** Requests, the DMS task the controller derives from them, and the settings a controller under test runs with. */
final class ControllerTestSupport {

    static final TimeWindow JANUARY = new TimeWindow(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"));

    static {
        // the AWS SDK's default credentials chain reads these first; the DMS stub does not check signatures
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
    }

    private ControllerTestSupport() {
    }

    static Map<String, Object> properties(String dmsUrl) {
        return Map.of(
                "dmsflow.catalog.location", "classpath:controller-test-catalog.yaml",
                "dmsflow.controller.dms.endpoint-override", dmsUrl,
                "dmsflow.controller.dms.region", "eu-west-1",
                "dmsflow.controller.dms.replication-instance-arn", "arn:aws:dms:eu-west-1:123456789012:rep:R",
                "dmsflow.controller.dms.source-endpoint-arn", "arn:aws:dms:eu-west-1:123456789012:endpoint:SRC",
                "dmsflow.controller.dms.target-endpoint-arn", "arn:aws:dms:eu-west-1:123456789012:endpoint:TGT",
                "dmsflow.controller.poll-interval", "100ms",
                "dmsflow.controller.progress-interval", "0s");
    }

    static TaskRequested request(String requestId, TaskKind kind, TimeWindow window, String... tables) {
        return TaskRequested.newBuilder()
                .setHeader(new EventHeader(UUID.randomUUID().toString(), requestId, Instant.now().truncatedTo(ChronoUnit.MILLIS), "test", 1))
                .setKind(kind).setWindow(window).setRequestedBy("ops")
                .setTables(List.of(tables).stream().map(t -> RequestedTable.newBuilder().setName(t).build()).toList())
                .build();
    }

    /** The DMS task of a run: its identifier and an ARN. */
    record Task(String identifier, String arn) {
        static Task of(String requestId) {
            String identifier = LoadTasks.taskIdentifier(requestId);
            return new Task(identifier, "arn:aws:dms:eu-west-1:123456789012:task:" + identifier.toUpperCase());
        }

        void status(DmsStub dms, String status, int percent, String stopReason, String failure) {
            dms.status(identifier, arn, "full-load", status, percent, stopReason, failure);
        }
    }

    static String status(JdbcTemplate jdbc, String requestId) {
        return jdbc.queryForList("SELECT status FROM dms_controller.runs WHERE request_id = ?", String.class, requestId)
                .stream().findFirst().orElse("NONE");
    }

    /** Runs of earlier tests must not hold leases on the catalog's tables. */
    static void finishAllRuns(JdbcTemplate jdbc) {
        jdbc.update("UPDATE dms_controller.runs SET status = 'COMPLETED' WHERE status NOT IN ('COMPLETED', 'FAILED')");
        jdbc.update("DELETE FROM dms_controller.table_leases");
        jdbc.update("DELETE FROM dms_controller.table_read_leases");
    }
}
