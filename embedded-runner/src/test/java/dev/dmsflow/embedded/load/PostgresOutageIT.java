package dev.dmsflow.embedded.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.contracts.event.ValidationPassed;
import dev.dmsflow.embedded.load.ControllerClient.Reload;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stops for a minute while a run is between its load and its validation: the services wait for the
 * database instead of giving the run up, and the run validates once the database is back. Tagged chaos: it takes
 * over a minute ({@code -DexcludedGroups=chaos} skips it).
 */
@Tag("chaos")
class PostgresOutageIT {

    private static final LoadData DATA = new LoadData(1, 200_000);
    private static final Duration OUTAGE = Duration.ofSeconds(60);

    private static LoadEnvironment environment;

    @BeforeAll
    static void start() {
        environment = LoadEnvironment.start(DATA, 1);
    }

    @AfterAll
    static void stop() {
        environment.close();
    }

    @Test
    void aRunInFlightWhilePostgresIsDownForAMinuteValidatesAfterItComesBack() {
        String requestId = "postgres-outage";
        ControllerClient controller = new ControllerClient(environment.services().controllerPorts().get(0));
        assertThat(controller.post(new Reload(requestId, DATA.tableNames(), LoadData.day(0), LoadData.day(LoadData.DAYS)))).isEqualTo(202);
        await().atMost(Duration.ofMinutes(2)).until(() -> !environment.events().events(requestId, FullLoadCompleted.class).isEmpty());

        // the staging check, the merge and the validation are still ahead of the run
        environment.infrastructure().stopPostgres();
        try {
            // the outage itself, a minute long: meanwhile no service gives the run up
            await().during(OUTAGE).atMost(OUTAGE.plusSeconds(10)).untilAsserted(() -> {
                assertThat(environment.events().events(requestId, TaskFailed.class)).isEmpty();
                assertThat(environment.events().deadLetters()).isEmpty();
            });
        } finally {
            environment.infrastructure().startPostgres();
        }

        await().atMost(Duration.ofMinutes(3)).until(() -> environment.events().events(requestId, ValidationPassed.class).size()
                + environment.events().events(requestId, ValidationFailed.class).size() + environment.events().events(requestId, TaskFailed.class).size() > 0);
        assertThat(environment.events().events(requestId, TaskFailed.class)).isEmpty();
        assertThat(environment.events().events(requestId, ValidationFailed.class)).isEmpty();
        assertThat(environment.events().events(requestId, ValidationPassed.class)).hasSize(1);
        assertThat(environment.events().deadLetters()).isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> controller.leases().isEmpty());
    }
}
