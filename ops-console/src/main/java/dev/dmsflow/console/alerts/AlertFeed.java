package dev.dmsflow.console.alerts;

import dev.dmsflow.console.ConsoleProperties;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The live alert feed: every open page gets each new alert and dead-letter record as a server-sent event. */
@Component
class AlertFeed {

    private final List<SseEmitter> subscribers = new CopyOnWriteArrayList<>();
    private final ConsoleProperties properties;

    AlertFeed(ConsoleProperties properties) {
        this.properties = properties;
    }

    SseEmitter subscribe() throws IOException {
        SseEmitter emitter = new SseEmitter(properties.feedTimeout().toMillis());
        subscribers.add(emitter);
        emitter.onCompletion(() -> subscribers.remove(emitter));
        emitter.onTimeout(() -> subscribers.remove(emitter));
        emitter.onError(error -> subscribers.remove(emitter));
        // sent at once, so the page knows it is connected (and a test can wait for it) before anything happens
        emitter.send(SseEmitter.event().name("connected").data("{}"));
        return emitter;
    }

    /** After the event's transaction commits: a page never shows an alert the read model then rolled back. */
    @TransactionalEventListener
    void onAlert(AlertRaised raised) {
        broadcast("alert", Alert.of(raised.event()));
    }

    void onDeadLetter(DeadLetter deadLetter) {
        broadcast("dead-letter", deadLetter);
    }

    /**
     * Ends every open feed as soon as the console begins to stop: the server's graceful shutdown would otherwise wait
     * its whole timeout for these never-ending requests. The pages reconnect (to another instance, or once it is back).
     */
    @EventListener(ContextClosedEvent.class)
    void close() {
        subscribers.forEach(SseEmitter::complete);
        subscribers.clear();
    }

    private void broadcast(String name, Object data) {
        for (SseEmitter emitter : subscribers) {
            try {
                emitter.send(SseEmitter.event().name(name).data(data));
            } catch (IOException | IllegalStateException e) {
                // the page went away; its emitter is done
                subscribers.remove(emitter);
                emitter.completeWithError(e);
            }
        }
    }
}
