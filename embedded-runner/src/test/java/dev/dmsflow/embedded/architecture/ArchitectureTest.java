package dev.dmsflow.embedded.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * The rules the build enforces over every module's main classes (the embedded runner sees them all on its classpath):
 * no package cycles, services independent of each other, contracts and service-support independent of the services,
 * and domain packages free of Spring and Kafka, so their logic is unit-testable without a container.
 */
@AnalyzeClasses(packages = "dev.dmsflow", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final List<String> SERVICES = List.of("controller", "schema", "merge", "validation", "console");

    /**
     * Packages that hold the services' logic: adapters (REST, listeners) and wiring live beside them. Configuration
     * property records may carry their binding annotations.
     */
    private static final String[] DOMAIN = {
            "dev.dmsflow.controller.request..", "dev.dmsflow.controller.engine..", "dev.dmsflow.controller.mapping..",
            "dev.dmsflow.schema.typemap..", "dev.dmsflow.schema.staged..", "dev.dmsflow.schema.ddl..", "dev.dmsflow.schema.fdw..",
            "dev.dmsflow.merge.window..", "dev.dmsflow.merge.multistage..", "dev.dmsflow.merge.run..",
            "dev.dmsflow.validation.check.."};

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = slices().matching("dev.dmsflow.(*).(*)..").namingSlices("$1.$2")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule contractsDependOnNoModule = noClasses().that().resideInAPackage("dev.dmsflow.contracts..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.dmsflow.support..", "dev.dmsflow.infra..", "dev.dmsflow.embedded..",
                    "dev.dmsflow.controller..", "dev.dmsflow.schema..", "dev.dmsflow.merge..", "dev.dmsflow.validation..")
            .because("every producer and consumer reads the contracts, and they change only with the events");

    @ArchTest
    static final ArchRule serviceSupportDependsOnNoService = noClasses().that().resideInAPackage("dev.dmsflow.support..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.dmsflow.embedded..",
                    "dev.dmsflow.controller..", "dev.dmsflow.schema..", "dev.dmsflow.merge..", "dev.dmsflow.validation..");

    @ArchTest
    static final ArchRule domainPackagesUseNeitherSpringNorKafka = noClasses().that().resideInAnyPackage(DOMAIN)
            .should().dependOnClassesThat(resideInAnyPackage("org.springframework..", "org.apache.kafka..")
                    .and(not(resideInAPackage("org.springframework.boot.context.properties.."))))
            .because("a service's logic is called by a thin adapter and tested without a container");

    /** ops-console's read model: its Kafka listeners and JDBC store are the adapters around it. */
    @ArchTest
    static final ArchRule consoleReadModelUsesNeitherSpringNorKafka = noClasses().that()
            .haveNameMatching("dev\\.dmsflow\\.console\\.runs\\.(ReadModel|RunProjection|RunView|RunStore|Summaries)(\\$.*)?")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.apache.kafka..")
            .because("the read model is called by a thin listener and tested against PostgreSQL without a container");

    /** A newcomer finds a stage service's way in at the same place in each: its listeners in its kafka package. */
    @ArchTest
    static final ArchRule stageListenersLiveInKafkaPackages = methods().that().areAnnotatedWith(KafkaListener.class)
            .and().areDeclaredInClassesThat().resideInAnyPackage("dev.dmsflow.controller..", "dev.dmsflow.schema..",
                    "dev.dmsflow.merge..", "dev.dmsflow.validation..")
            .should().beDeclaredInClassesThat().resideInAnyPackage("dev.dmsflow.controller.kafka", "dev.dmsflow.schema.kafka",
                    "dev.dmsflow.merge.kafka", "dev.dmsflow.validation.kafka");

    @ArchTest
    static void noServiceDependsOnAnother(JavaClasses classes) {
        for (String service : SERVICES) {
            String[] others = SERVICES.stream().filter(other -> !other.equals(service)).map(other -> "dev.dmsflow." + other + "..")
                    .toArray(String[]::new);
            noClasses().that().resideInAPackage("dev.dmsflow." + service + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(others)
                    .because("services share only the contracts and service-support, so each deploys and scales alone")
                    .check(classes);
        }
    }
}
