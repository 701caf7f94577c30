package dev.dmsflow.embedded.console;

import dev.dmsflow.embedded.EmbeddedDmsflow;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * One embedded default (2,000 demo orders, free ports) for the tests that look at the console and the metrics: started
 * once per JVM, stopped when it exits, so the browser test and the dashboard check pay one start-up between them.
 */
public final class SharedEmbeddedDmsflow {

    private static EmbeddedDmsflow dmsflow;

    private SharedEmbeddedDmsflow() {
    }

    public static synchronized EmbeddedDmsflow get() {
        if (dmsflow == null) {
            dmsflow = EmbeddedDmsflow.start(0, 2000, new PrintStream(OutputStream.nullOutputStream()));
            Runtime.getRuntime().addShutdownHook(new Thread(dmsflow::close, "shared-embedded-dmsflow-shutdown"));
        }
        return dmsflow;
    }
}
