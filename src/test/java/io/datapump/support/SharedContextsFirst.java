package io.datapump.support;

import java.util.Comparator;

import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.springframework.core.annotation.MergedAnnotations;

/**
 * Runs the {@link PumpTest} classes (which share one Spring context) one after the other, before every other test
 * class, each group in name order. With a context cache of one (src/test/resources/spring.properties), a context is
 * closed as soon as the next one starts, so no idle pump keeps its timers and consumers running behind the tests.
 */
public class SharedContextsFirst implements ClassOrderer {

    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator
                .comparing((org.junit.jupiter.api.ClassDescriptor d) -> MergedAnnotations.from(d.getTestClass(),
                        MergedAnnotations.SearchStrategy.TYPE_HIERARCHY).isPresent(PumpTest.class) ? 0 : 1)
                .thenComparing(d -> d.getTestClass().getName()));
    }
}
