package dev.dmsflow.support.defaults;

import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * {@code management.server.port} when nothing else sets it: the API port + {@value #OFFSET} (8081 gives 9081), a free
 * port when the API port is 0 (tests, the embedded runner's {@code --port-base=0}). Worked out when read, not at start,
 * so a {@code server.port} set later (by a test or the embedded runner) is the one it follows.
 */
class ManagementPortDefault extends PropertySource<Object> {

    static final String NAME = "dmsflow-management-port";
    static final String PROPERTY = "management.server.port";
    static final int OFFSET = 1000;

    // not the source: Boot's binder walks into a property source whose source is an environment, this one included
    private final Environment environment;

    ManagementPortDefault(Environment environment) {
        super(NAME, new Object());
        this.environment = environment;
    }

    @Override
    public Object getProperty(String name) {
        if (!PROPERTY.equals(name)) {
            return null;
        }
        Integer serverPort = environment.getProperty("server.port", Integer.class, 8080);
        if (serverPort < 0) {
            return null;
        }
        return serverPort == 0 ? 0 : serverPort + OFFSET;
    }
}
