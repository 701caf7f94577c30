package dev.dmsflow.embedded.load;

import dev.dmsflow.infra.DmsflowInfrastructure;
import java.util.Map;

/**
 * What a load test runs on: embedded infrastructure of its own with the load data in the source and production,
 * {@code instances} of every service, and a reader of every event; closed in the reverse order.
 */
record LoadEnvironment(DmsflowInfrastructure infrastructure, ServiceInstances services, EventLog events) implements AutoCloseable {

    static LoadEnvironment start(LoadData data, int instances) {
        DmsflowInfrastructure infrastructure = DmsflowInfrastructure.start(0);
        data.create(infrastructure);
        ServiceInstances services = ServiceInstances.start(infrastructure, data.catalog(), instances, Map.of());
        return new LoadEnvironment(infrastructure, services, new EventLog(infrastructure.kafkaBootstrapServers()));
    }

    @Override
    public void close() {
        events.close();
        services.close();
        infrastructure.close();
    }
}
