package dev.dmsflow.support.kafka;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.errors.AuthenticationException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * DOWN when the brokers cannot be reached; a service cut off from Kafka can neither consume nor publish. A broker that
 * refuses the service's login is named as such, with the user it refused (see {@link KafkaLogin}), so ops look at the
 * credentials rather than the network.
 */
class KafkaHealthIndicator extends AbstractHealthIndicator implements DisposableBean {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Admin admin;
    private final KafkaLogin login;

    KafkaHealthIndicator(Admin admin, KafkaLogin login) {
        super("Kafka health check failed");
        this.admin = admin;
        this.login = login;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        DescribeClusterResult cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis()));
        try {
            String clusterId = cluster.clusterId().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            int nodes = cluster.nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size();
            builder.up().withDetail("clusterId", clusterId).withDetail("brokers", nodes);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof AuthenticationException refused)) {
                throw e;
            }
            // the exception's own text names neither the user nor the setting to fix; it holds no password either
            builder.down().withDetail("error", login.refused(refused));
        }
    }

    @Override
    public void destroy() {
        admin.close(Duration.ofSeconds(2));
    }
}
