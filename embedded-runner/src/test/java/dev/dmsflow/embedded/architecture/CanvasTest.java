package dev.dmsflow.embedded.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.TaskFailed;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * Each service's canvas (its module's README.md) declares the events it consumes and produces; this holds them to the
 * code, so a canvas cannot drift: the topics of its {@code @KafkaListener}s are what it declares in, and the events its
 * classes build (plus TaskFailed of its stage where it runs its events through the run skeleton) what it declares out,
 * each on the topic the contracts give it.
 */
class CanvasTest {

    private static final String DEAD_LETTERS = "dead letters";
    private static final Pattern ROW = Pattern.compile("^\\| (in|out) \\| `([^`]+)` \\| ([^|]+) \\|$");
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.dmsflow");
    }

    @ParameterizedTest
    @CsvSource({"dms-controller-service, dev.dmsflow.controller", "schema-service, dev.dmsflow.schema",
            "merge-service, dev.dmsflow.merge", "validation-service, dev.dmsflow.validation", "ops-console, dev.dmsflow.console"})
    void theCanvasDeclaresTheEventsTheServiceConsumesAndProduces(String module, String basePackage) throws IOException {
        Path canvas = Path.of("..", module, "README.md");
        List<String[]> rows = Files.readAllLines(canvas).stream().map(ROW::matcher).filter(Matcher::matches)
                .map(m -> new String[] {m.group(1), m.group(2), m.group(3).trim()}).toList();
        assertThat(rows).as(canvas + " has an Events table").isNotEmpty();

        Set<String> declaredIn = new TreeSet<>();
        Set<String> declaredOut = new TreeSet<>();
        for (String[] row : rows) {
            for (String event : row[2].split(",\\s*")) {
                // a dead-letter topic holds whatever a consumer of its topic gave up on, not events of its own
                assertThat(row[1].endsWith(Topics.DLT_SUFFIX) ? Set.of(DEAD_LETTERS) : eventTypes(row[1]))
                        .as("%s: %s on %s, as the contracts say", canvas, event, row[1]).contains(event);
                (row[0].equals("in") ? declaredIn : declaredOut).add(row[1] + " " + event);
            }
        }

        List<JavaClass> service = classes.stream().filter(c -> c.getPackageName().startsWith(basePackage)).toList();
        Set<String> declaredTopics = declaredIn.stream().map(d -> d.split(" ")[0]).collect(Collectors.toCollection(TreeSet::new));
        assertThat(declaredTopics).as("%s: the topics its listeners consume", canvas).isEqualTo(listenedTopics(service));
        assertThat(declaredOut).as("%s: the events it builds, on their topics", canvas).isEqualTo(producedEvents(service));
    }

    private static Set<String> listenedTopics(List<JavaClass> service) {
        Set<String> topics = new TreeSet<>();
        for (JavaClass javaClass : service) {
            for (Method method : javaClass.reflect().getDeclaredMethods()) {
                KafkaListener listener = method.getAnnotation(KafkaListener.class);
                if (listener != null) {
                    topics.addAll(Arrays.asList(listener.topics()));
                }
            }
        }
        return topics;
    }

    private static Set<String> producedEvents(List<JavaClass> service) {
        Set<String> produced = new TreeSet<>();
        Map<String, List<Class<? extends SpecificRecord>>> topics = Topics.VALUE_TYPES;
        for (JavaClass javaClass : service) {
            javaClass.getMethodCallsFromSelf().stream().filter(call -> call.getName().equals("newBuilder"))
                    .map(call -> call.getTargetOwner().getName())
                    .forEach(owner -> topics.forEach((topic, types) -> types.stream().filter(type -> type.getName().equals(owner))
                            .forEach(type -> produced.add(topic + " " + type.getSimpleName()))));
            // the run skeleton (service-support) publishes TaskFailed of the service's stage for it
            if (javaClass.getDirectDependenciesFromSelf().stream()
                    .anyMatch(d -> d.getTargetClass().getPackageName().equals("dev.dmsflow.support.run"))) {
                produced.add(Topics.ALERTS + " " + TaskFailed.class.getSimpleName());
            }
        }
        return produced;
    }

    private static Set<String> eventTypes(String topic) {
        return Stream.ofNullable(Topics.VALUE_TYPES.get(topic)).flatMap(List::stream).map(Class::getSimpleName)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
