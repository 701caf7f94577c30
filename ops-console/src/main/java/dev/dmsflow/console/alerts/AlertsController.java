package dev.dmsflow.console.alerts;

import dev.dmsflow.console.ConsoleProperties;
import java.io.IOException;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

@RestController
@RequestMapping("/api/console/alerts")
class AlertsController {

    record Alerts(List<Alert> alerts, List<DeadLetter> deadLetters) {
    }

    private final AlertStore store;
    private final AlertFeed feed;
    private final ConsoleProperties properties;

    AlertsController(AlertStore store, AlertFeed feed, ConsoleProperties properties) {
        this.store = store;
        this.feed = feed;
        this.properties = properties;
    }

    /** The latest TaskFailed and ValidationFailed, newest first, and the latest dead-letter records. */
    @GetMapping
    Alerts alerts() {
        return new Alerts(store.recentAlerts(properties.recentAlerts()), store.recentDeadLetters(properties.recentAlerts()));
    }

    /** Server-sent events: {@code alert} (an {@link Alert}) and {@code dead-letter} (a {@link DeadLetter}) as they arrive. */
    @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream() throws IOException {
        return feed.subscribe();
    }
}
