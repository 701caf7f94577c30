package dev.dmsflow.schema.provision;

import org.springframework.beans.factory.InitializingBean;

/**
 * Provisions while the context starts, before the Kafka listeners do, so the first FullLoadCompleted finds its
 * staging tables. A failure is logged with what failed and does not stop the service: the report says what to fix,
 * and {@code POST /api/provision} runs it again.
 */
class ProvisionOnStartup implements InitializingBean {

    private final Provisioner provisioner;
    private final boolean enabled;

    ProvisionOnStartup(Provisioner provisioner, boolean enabled) {
        this.provisioner = provisioner;
        this.enabled = enabled;
    }

    @Override
    public void afterPropertiesSet() {
        if (enabled) {
            provisioner.provision();
        }
    }
}
