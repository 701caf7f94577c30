package dev.dmsflow.embedded.console;

import dev.dmsflow.embedded.EmbeddedDmsflow;
import java.io.OutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * {@code @ExtendWith(SharedEmbeddedDmsflow.class)}: an {@link EmbeddedDmsflow} parameter is one embedded default
 * (2,000 demo orders, free ports) shared by the test classes of the run: started on first use and kept in JUnit's root
 * store, which closes it once every class is done (before the JVM exits: the services' consumers then still find the
 * broker to leave their groups). The browser test and the dashboard check pay one start-up between them.
 */
public final class SharedEmbeddedDmsflow implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedEmbeddedDmsflow.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedDmsflow.class;
    }

    @Override
    public EmbeddedDmsflow resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent(EmbeddedDmsflow.class,
                key -> EmbeddedDmsflow.start(0, 2000, new PrintStream(OutputStream.nullOutputStream())), EmbeddedDmsflow.class);
    }
}
