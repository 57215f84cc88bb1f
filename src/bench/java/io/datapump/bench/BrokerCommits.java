package io.datapump.bench;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.LongAdder;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Session;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * Counts broker round trips that end a transaction: every {@code Session.commit()} the pump's JMS client makes,
 * empty ones included, by putting a counting proxy between Spring Boot's caching connection factory and Artemis's.
 */
final class BrokerCommits implements BeanPostProcessor {

    private final LongAdder commits = new LongAdder();
    static final java.util.concurrent.ConcurrentHashMap<String, LongAdder> BY_THREAD =
            new java.util.concurrent.ConcurrentHashMap<>();

    long count() {
        return commits.sum();
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof CachingConnectionFactory caching && caching.getTargetConnectionFactory() != null) {
            caching.setTargetConnectionFactory(counting(caching.getTargetConnectionFactory()));
        }
        return bean;
    }

    private ConnectionFactory counting(ConnectionFactory target) {
        return proxy(ConnectionFactory.class, target, (p, m, args) -> {
            Object result = invoke(m, target, args);
            return result instanceof Connection c ? countingConnection(c) : result;
        });
    }

    private Connection countingConnection(Connection target) {
        return proxy(Connection.class, target, (p, m, args) -> {
            Object result = invoke(m, target, args);
            return result instanceof Session s ? countingSession(s) : result;
        });
    }

    private Session countingSession(Session target) {
        return proxy(Session.class, target, (p, m, args) -> {
            if (m.getName().equals("commit")) {
                commits.increment();
                if (System.getenv("BENCH_COMMITS_DEBUG") != null) {
                    String t = Thread.currentThread().getName().replaceAll("[0-9]+", "#");
                    BY_THREAD.computeIfAbsent(t, k -> new LongAdder()).increment();
                }
            }
            return invoke(m, target, args);
        });
    }

    private static Object invoke(java.lang.reflect.Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static <T> T proxy(Class<T> type, T target, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(BrokerCommits.class.getClassLoader(), new Class<?>[] {type},
                (p, m, args) -> m.getName().equals("equals") && args != null && args.length == 1
                        ? Boolean.valueOf(p == args[0])
                        : m.getName().equals("hashCode") && (args == null || args.length == 0)
                                ? Integer.valueOf(System.identityHashCode(p))
                                : handler.invoke(p, m, args)));
    }
}
