package dev.dmsflow.controller;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Beans of one engine. The property is bound as the {@link EngineKind} the controller's properties bind it to, so the
 * condition and the properties can never disagree about a spelling ({@code local-jdbc}, {@code LOCAL_JDBC}); a value
 * of no engine fails the start with the values allowed.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Conditional(ConditionalOnEngine.OnEngine.class)
@interface ConditionalOnEngine {

    EngineKind value();

    final class OnEngine implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnEngine.class.getName());
            EngineKind configured = Binder.get(context.getEnvironment()).bind("dmsflow.controller.engine", EngineKind.class)
                    .orElse(EngineKind.AWS_DMS);
            return configured == attributes.get("value");
        }
    }
}
