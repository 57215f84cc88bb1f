package io.datapump.support;

import java.util.Comparator;

import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.Order;
import org.springframework.core.annotation.MergedAnnotations;

/**
 * Runs the {@link PumpTest} classes (which share one Spring context) one after the other, before every other test
 * class, each group in name order. With a context cache of one (src/test/resources/spring.properties), a context is
 * closed as soon as the next one starts, so no idle pump keeps its timers and consumers running behind the tests.
 * <p>
 * The classes that run beside the others ({@code @Execution(CONCURRENT)}) are started in this order too, as workers
 * come free: a class-level {@link Order} puts one earlier or later (the shared-limits test first, the fault scenarios
 * last, so the short ones do not wait behind them).
 */
public class SharedContextsFirst implements ClassOrderer {

    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator
                .comparing((org.junit.jupiter.api.ClassDescriptor d) -> MergedAnnotations.from(d.getTestClass(),
                        MergedAnnotations.SearchStrategy.TYPE_HIERARCHY).isPresent(PumpTest.class) ? 0 : 1)
                .thenComparing(d -> d.findAnnotation(Order.class).map(Order::value).orElse(Order.DEFAULT))
                .thenComparing(d -> d.getTestClass().getName()));
    }
}
