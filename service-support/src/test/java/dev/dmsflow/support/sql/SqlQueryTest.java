package dev.dmsflow.support.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A CLOB parameter is created on the connection, bound, and freed once the statement has run (Oracle keeps temporary LOBs otherwise). */
class SqlQueryTest {

    @Test
    void aClobParameterIsBoundAsAClobAndFreedAfterTheStatement() throws Exception {
        List<String> calls = new ArrayList<>();
        Clob clob = proxy(Clob.class, (method, args) -> {
            calls.add("clob." + method + (args == null ? "" : "(" + args[args.length - 1] + ")"));
            return method.equals("setString") ? 4 : null;
        });
        ResultSet rows = proxy(ResultSet.class, (method, args) -> method.equals("next") ? false : null);
        PreparedStatement statement = proxy(PreparedStatement.class, (method, args) -> {
            if (method.equals("setObject")) {
                calls.add("bind " + args[0] + " " + (args[1] == clob ? "clob" : args[1]));
            }
            return method.equals("executeQuery") ? rows : null;
        });
        Connection connection = proxy(Connection.class, (method, args) -> method.equals("createClob") ? clob : statement);

        SqlQuery query = new SqlQuery().param("SELECT * FROM JSON_TABLE(?", new SqlQuery.Clob("[1,2]")).param(", ?)", 7);
        query.list(connection, row -> row.getString(1));

        assertThat(query.params()).containsExactly(new SqlQuery.Clob("[1,2]"), 7);
        assertThat(calls).containsExactly("clob.setString([1,2])", "bind 1 clob", "bind 2 7", "clob.free");
    }

    private interface Handler {
        Object handle(String method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, Handler handler) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> handler.handle(method.getName(), args)));
    }
}
