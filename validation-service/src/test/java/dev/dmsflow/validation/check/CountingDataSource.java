package dev.dmsflow.validation.check;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * A DataSource whose connections count the statements they prepare or create, and among them the bisection's
 * split-point queries: the window's first key ranges (quantiles of the whole window, no GROUP BY), then one per level
 * below (quantiles per range being split, GROUP BY).
 */
public final class CountingDataSource {

    private final DataSource target;
    private final AtomicLong queries = new AtomicLong();
    private final AtomicLong splitQueries = new AtomicLong();
    private final AtomicLong layoutQueries = new AtomicLong();

    public CountingDataSource(DataSource target) {
        this.target = target;
    }

    public DataSource dataSource() {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
            Object result = invoke(target, method, args);
            return result instanceof Connection connection ? counting(connection) : result;
        });
    }

    private Connection counting(Connection connection) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
            if (method.getName().equals("prepareStatement") || method.getName().equals("createStatement")) {
                queries.incrementAndGet();
                if (args != null && args[0] instanceof String sql && sql.contains("percentile_disc")) {
                    (sql.contains(" GROUP BY ") ? splitQueries : layoutQueries).incrementAndGet();
                }
            }
            return invoke(connection, method, args);
        });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    public void reset() {
        queries.set(0);
        splitQueries.set(0);
        layoutQueries.set(0);
    }

    public long queries() {
        return queries.get();
    }

    /** Bisection levels below the window's first key ranges: each issues one split-point query. */
    public long splitQueries() {
        return splitQueries.get();
    }

    /** The bisection's depth: the window's first key ranges, then every level below. */
    public long bisectionDepth() {
        return layoutQueries.get() + splitQueries.get();
    }
}
