package dev.dmsflow.merge;

import dev.dmsflow.infra.EmbeddedInfrastructureInitializer;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/** merge-service as it runs, against the real broker and the real PostgreSQL, with the test catalog. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(useMainMethod = SpringBootTest.UseMainMethod.ALWAYS, properties = {
        "dmsflow.catalog.location=classpath:merge-test-catalog.yaml",
        "dmsflow.run.retry-backoff=50ms",
        "dmsflow.kafka.retry.initial-interval=50ms"})
@ContextConfiguration(initializers = EmbeddedInfrastructureInitializer.class)
public @interface MergeServiceTest {
}
