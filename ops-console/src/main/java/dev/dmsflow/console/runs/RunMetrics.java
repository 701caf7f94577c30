package dev.dmsflow.console.runs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * What the console learns from whole runs, for Prometheus (and the Grafana dashboard in deploy/grafana): runs per
 * outcome, time in each stage and per run, failed checks. Recorded when a run gets its outcome (once more after a
 * retry or a repair round); on the console's first start that includes the runs of the topics' history.
 */
@Component
class RunMetrics {

    private final MeterRegistry meters;

    RunMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    void ended(RunView run) {
        String kind = run.kind() == null ? "UNKNOWN" : run.kind();
        String failedStage = run.failure() == null ? "none" : run.failure().stage();
        Counter.builder("dmsflow.console.runs").description("Runs that ended, per outcome")
                .tags("outcome", run.status(), "kind", kind, "failed_stage", failedStage)
                .register(meters).increment();
        if (run.durationMillis() != null) {
            timer("dmsflow.console.run.duration", "Runs from request to outcome", "kind", kind).record(Duration.ofMillis(run.durationMillis()));
        }
        for (RunView.StageSpan stage : run.stages()) {
            if (stage.millis() != null && ("DONE".equals(stage.state()) || "FAILED".equals(stage.state()))) {
                timer("dmsflow.console.stage.duration", "Time runs spent in a stage", "stage", stage.stage()).record(Duration.ofMillis(stage.millis()));
            }
        }
        for (RunView.Check check : run.checks()) {
            if (!check.passed()) {
                Counter.builder("dmsflow.console.validation.failures").description("Failed validation checks")
                        .tags("table", check.table(), "check", check.check())
                        .register(meters).increment();
            }
        }
    }

    private Timer timer(String name, String description, String tag, String value) {
        // buckets, so Grafana can take p50 and p95 over all instances with histogram_quantile
        return Timer.builder(name).description(description).tags(tag, value).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofHours(6)).register(meters);
    }
}
