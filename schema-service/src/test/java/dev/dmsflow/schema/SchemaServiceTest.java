package dev.dmsflow.schema;

import dev.dmsflow.infra.EmbeddedInfrastructureInitializer;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * schema-service as it runs, against the real broker and the real PostgreSQL, with the test catalog. Provisioning at
 * startup is off so each test provisions from the state it set up.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, useMainMethod = SpringBootTest.UseMainMethod.ALWAYS, properties = {
        "dmsflow.schema.provision-on-startup=false",
        "dmsflow.schema.dms-user=sv_dms",
        "dmsflow.run.retry-backoff=50ms",
        "dmsflow.kafka.retry.initial-interval=50ms"})
@ContextConfiguration(initializers = {EmbeddedInfrastructureInitializer.class, TestCatalog.class})
public @interface SchemaServiceTest {
}
