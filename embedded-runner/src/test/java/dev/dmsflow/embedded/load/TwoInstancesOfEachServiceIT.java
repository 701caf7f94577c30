package dev.dmsflow.embedded.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.contracts.event.ValidationPassed;
import dev.dmsflow.embedded.load.ControllerClient.Reload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two instances of each of the four services on one broker and one database: reloads posted to either controller,
 * several over the same tables, each end with exactly one ValidationPassed, nothing fails or goes to a dead-letter
 * topic, and no lease is left.
 */
class TwoInstancesOfEachServiceIT {

    private static final LoadData DATA = new LoadData(4, 5000);

    private static LoadEnvironment environment;

    @BeforeAll
    static void start() {
        environment = LoadEnvironment.start(DATA, 2);
    }

    @AfterAll
    static void stop() {
        environment.close();
    }

    @Test
    void everyRunEndsWithExactlyOneValidationPassedAndNoLeaseIsLeft() {
        List<ControllerClient> controllers = environment.services().controllerPorts().stream().map(ControllerClient::new).toList();
        List<String> tables = DATA.tableNames();
        List<Reload> reloads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            // two runs per table, every other one with a second table, so runs wait for each other's leases
            List<String> runTables = i % 2 == 0 ? List.of(tables.get(i % 4)) : List.of(tables.get(i % 4), tables.get((i + 1) % 4));
            reloads.add(new Reload("two-of-each-" + i, runTables, LoadData.day(i * 10), LoadData.day(i * 10 + 20)));
        }

        for (int i = 0; i < reloads.size(); i++) {
            assertThat(controllers.get(i % 2).post(reloads.get(i))).as(reloads.get(i).requestId()).isEqualTo(202);
        }

        await().atMost(Duration.ofMinutes(5)).untilAsserted(() -> assertThat(reloads).allSatisfy(reload ->
                assertThat(outcomes(reload.requestId())).as(reload.requestId()).isPositive()));
        // a second outcome would come from a delivery handled twice: give it time to show
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (Reload reload : reloads) {
                String run = reload.requestId() + " " + timeline(reload.requestId());
                assertThat(environment.events().events(reload.requestId(), ValidationPassed.class)).as(run).hasSize(1);
                assertThat(environment.events().events(reload.requestId(), ValidationFailed.class)).as(run).isEmpty();
                assertThat(environment.events().events(reload.requestId(), TaskFailed.class)).as(run).isEmpty();
            }
        });
        assertThat(environment.events().deadLetters()).isEmpty();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(controllers).allSatisfy(controller ->
                assertThat(controller.leases()).isEmpty()));
    }

    /** The run's events in the order read, e.g. [TaskRequested, FullLoadCompleted, FullLoadCompleted, ...]: where a second one began. */
    private static List<String> timeline(String requestId) {
        return environment.events().of(requestId).stream().map(e -> e.event().getSchema().getName()).filter(name -> !name.equals("TaskProgress")).toList();
    }

    private static int outcomes(String requestId) {
        return environment.events().events(requestId, ValidationPassed.class).size() + environment.events().events(requestId, ValidationFailed.class).size()
                + environment.events().events(requestId, TaskFailed.class).size();
    }
}
