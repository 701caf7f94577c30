package dev.dmsflow.controller.engine.local;

import dev.dmsflow.contracts.catalog.Identifiers;
import dev.dmsflow.contracts.catalog.ChangeLog;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * One selected source table copied into its staging table: a streaming SELECT (fetch size, never a list of rows)
 * feeding PostgreSQL COPY, committed every CommitRate rows.
 *
 * @param binds the filter values, in placeholder order
 */
record TableCopy(String sourceSchema, String sourceTable, String targetSchema, String targetTable, List<String> sourceColumns,
                 List<String> targetColumns, String where, List<String> binds) {

    private static final int FLUSH_BYTES = 1 << 16;

    /** Every table the plan selects in the source, with its columns and filters resolved against the source's catalog. */
    static List<TableCopy> resolve(TaskPlan plan, Connection source, SourceDialect dialect) throws SQLException {
        List<TableCopy> copies = new ArrayList<>();
        for (TaskPlan.Selection selection : plan.selections()) {
            if (!selection.include()) {
                continue;
            }
            TaskPlan.Locator locator = selection.locator();
            List<SourceDialect.SourceTable> tables = dialect.tables(source, Objects.requireNonNullElse(locator.schema(), "%"),
                    Objects.requireNonNullElse(locator.table(), "%"));
            if (tables.isEmpty()) {
                throw new IllegalArgumentException("the source has no table " + locator.schema() + "." + locator.table());
            }
            for (SourceDialect.SourceTable table : tables) {
                boolean excluded = plan.selections().stream().anyMatch(s -> !s.include() && s.locator().matches(table.schema(), table.name(), null));
                if (!excluded) {
                    copies.add(resolve(plan, selection, dialect, table));
                }
            }
        }
        return copies;
    }

    private static TableCopy resolve(TaskPlan plan, TaskPlan.Selection selection, SourceDialect dialect, SourceDialect.SourceTable source) {
        String schema = source.schema();
        String table = source.name();
        List<String> columns = List.copyOf(source.columnTypes().keySet());
        List<String> types = List.copyOf(source.columnTypes().values());
        List<String> sourceColumns = new ArrayList<>();
        List<String> targetColumns = new ArrayList<>();
        for (String column : columns) {
            if (!plan.removed(schema, table, column)) {
                sourceColumns.add(column);
                targetColumns.add(plan.transform("column", schema, table, column, column));
            }
        }
        List<String> conditions = new ArrayList<>();
        List<String> binds = new ArrayList<>();
        for (TaskPlan.Filter filter : selection.filters()) {
            int index = columns.indexOf(filter.column());
            if (index < 0) {
                throw new IllegalArgumentException("filter column " + filter.column() + " is not a column of " + schema + "." + table);
            }
            String column = Identifiers.escape(filter.column());
            String type = types.get(index);
            List<String> alternatives = new ArrayList<>();
            for (TaskPlan.Condition condition : filter.conditions()) {
                List<String> values = condition.values();
                String typed = values.isEmpty() ? null : dialect.typed(type, values.get(0));
                alternatives.add(switch (condition.operator()) {
                    case "gte" -> column + " >= " + typed;
                    case "lte", "ste" -> column + " <= " + typed;
                    case "between" -> column + " BETWEEN " + typed + " AND " + dialect.typed(type, values.get(1));
                    case "eq" -> column + " = " + typed;
                    case "noteq" -> column + " <> " + typed;
                    case "null" -> column + " IS NULL";
                    default -> column + " IS NOT NULL";
                });
                binds.addAll(condition.values());
            }
            // DMS: the conditions of one filter are ORed, separate filters ANDed
            conditions.add("(" + String.join(" OR ", alternatives) + ")");
        }
        String targetSchema = plan.transform("schema", schema, table, null, schema);
        String targetTable = plan.transform("table", schema, table, null, table);
        return new TableCopy(schema, table, targetSchema, targetTable, sourceColumns, targetColumns,
                conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions), binds);
    }

    /** Copies the table; {@code rows} counts what is loaded as it goes. Returns the rows loaded. */
    long copy(Connection source, Connection target, SourceDialect dialect, String prepMode, int commitRate, int fetchSize,
              boolean datesHaveTime, AtomicLong rows) throws SQLException {
        String quotedTarget = Identifiers.escape(targetSchema) + "." + Identifiers.escape(targetTable);
        target.setAutoCommit(false);
        // a dmsflow load, not CDC: merge-service's sync triggers on staging skip this session's statements
        try (PreparedStatement mark = target.prepareStatement("SELECT set_config(?, ?, false)")) {
            mark.setString(1, ChangeLog.WRITER_SETTING);
            mark.setString(2, ChangeLog.LOAD_WRITER);
            mark.execute();
        }
        if ("TRUNCATE_BEFORE_LOAD".equals(prepMode)) {
            try (Statement truncate = target.createStatement()) {
                truncate.execute("TRUNCATE " + quotedTarget);
            }
        }
        String copy = "COPY " + quotedTarget + " (" + targetColumns.stream().map(Identifiers::escape).collect(Collectors.joining(", "))
                + ") FROM STDIN";
        if (dialect instanceof SourceDialect.Postgres) {
            return copyStream(source, target, copy, commitRate, rows);
        }
        return copyRows(source, target, dialect, copy, commitRate, fetchSize, datesHaveTime, rows);
    }

    /**
     * A PostgreSQL source speaks COPY too: its rows stream out already in COPY text format and go straight into the
     * staging COPY, with no decoding and re-encoding in between. COPY takes no parameters, so the filter values are
     * turned into literals by the source server itself ({@code quote_literal}), never by string building here.
     */
    private long copyStream(Connection source, Connection target, String copy, int commitRate, AtomicLong rows) throws SQLException {
        List<String> literals = new ArrayList<>();
        for (String value : binds) {
            try (PreparedStatement quote = source.prepareStatement("SELECT quote_literal(?)")) {
                quote.setString(1, value);
                try (ResultSet rs = quote.executeQuery()) {
                    rs.next();
                    literals.add(rs.getString(1));
                }
            }
        }
        String select = inline(select(), literals);
        org.postgresql.copy.CopyOut copyOut = source.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + select + ") TO STDOUT");
        // The source keeps streaming while staging commits: a reader thread cuts the rows into 64 KiB chunks (ending
        // at each CommitRate boundary) and hands them over through a small bounded queue, so memory stays bounded.
        BlockingQueue<Chunk> chunks = new ArrayBlockingQueue<>(16);
        AtomicReference<Throwable> readFailure = new AtomicReference<>();
        Thread reader = new Thread(() -> read(copyOut, commitRate, chunks, readFailure), Thread.currentThread().getName() + "-reader");
        reader.setDaemon(true);
        reader.start();
        CopyIn copyIn = null;
        long total = 0;
        try {
            while (true) {
                Chunk chunk = chunks.take();
                if (chunk == Chunk.END) {
                    break;
                }
                if (copyIn == null) {
                    copyIn = target.unwrap(PGConnection.class).getCopyAPI().copyIn(copy);
                }
                copyIn.writeToCopy(chunk.bytes(), 0, chunk.bytes().length);
                total += chunk.rows();
                if (chunk.commit()) {
                    copyIn.endCopy();
                    target.commit();
                    rows.addAndGet(chunk.transactionRows());
                    copyIn = null;
                }
            }
            if (readFailure.get() != null) {
                throw new SQLException("reading the source failed: " + readFailure.get().getMessage(), readFailure.get());
            }
            if (copyIn != null) {
                copyIn.endCopy();
            }
            target.commit();
            rows.set(total);
            return total;
        } catch (InterruptedException e) {
            // the task was stopped: its COPY ends here, not when the source runs out
            Thread.currentThread().interrupt();
            abort(reader, copyIn, target);
            throw new SQLException("interrupted while loading " + sourceSchema + "." + sourceTable, e);
        } catch (SQLException | RuntimeException e) {
            abort(reader, copyIn, target);
            throw e;
        } finally {
            if (copyOut.isActive()) {
                copyOut.cancelCopy();
            }
            source.rollback();
        }
    }

    private static void abort(Thread reader, CopyIn copyIn, Connection target) throws SQLException {
        reader.interrupt();
        if (copyIn != null && copyIn.isActive()) {
            copyIn.cancelCopy();
        }
        target.rollback();
    }

    /** Rows of COPY text, whole rows only; {@code commit} marks the last chunk of a CommitRate transaction. */
    private record Chunk(byte[] bytes, long rows, boolean commit, long transactionRows) {
        static final Chunk END = new Chunk(new byte[0], 0, false, 0);
    }

    private static void read(org.postgresql.copy.CopyOut copyOut, int commitRate, BlockingQueue<Chunk> chunks, AtomicReference<Throwable> failure) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(FLUSH_BYTES * 2);
        long inChunk = 0;
        long inTransaction = 0;
        try {
            byte[] row;
            // one CopyData message per row in text format
            while ((row = copyOut.readFromCopy()) != null) {
                buffer.write(row, 0, row.length);
                inChunk++;
                boolean commit = ++inTransaction == commitRate;
                if (commit || buffer.size() >= FLUSH_BYTES) {
                    chunks.put(new Chunk(buffer.toByteArray(), inChunk, commit, inTransaction));
                    buffer.reset();
                    inChunk = 0;
                    if (commit) {
                        inTransaction = 0;
                    }
                }
            }
            if (inChunk > 0) {
                chunks.put(new Chunk(buffer.toByteArray(), inChunk, false, inTransaction));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.set(e);
        } catch (SQLException | RuntimeException e) {
            failure.set(e);
        } finally {
            try {
                chunks.put(Chunk.END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Any other source: a streaming SELECT (fetch size), each value read by its JDBC type and encoded for COPY. */
    private long copyRows(Connection source, Connection target, SourceDialect dialect, String copy, int commitRate, int fetchSize,
                          boolean datesHaveTime, AtomicLong rows) throws SQLException {
        String select = select();
        try (PreparedStatement statement = source.prepareStatement(select, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            statement.setFetchSize(fetchSize);
            for (int i = 0; i < binds.size(); i++) {
                statement.setString(i + 1, binds.get(i));
            }
            try (ResultSet rs = statement.executeQuery()) {
                int[] types = new int[sourceColumns.size()];
                String[] typeNames = new String[types.length];
                for (int i = 0; i < types.length; i++) {
                    types[i] = rs.getMetaData().getColumnType(i + 1);
                    typeNames[i] = rs.getMetaData().getColumnTypeName(i + 1);
                }
                CopyText encoder = new CopyText(types, typeNames, datesHaveTime);
                ByteArrayOutputStream buffer = new ByteArrayOutputStream(FLUSH_BYTES * 2);
                CopyIn copyIn = null;
                long inTransaction = 0;
                long total = 0;
                while (rs.next()) {
                    if (Thread.currentThread().isInterrupted()) {
                        // the task was stopped: its COPY ends here, not when the source runs out
                        if (copyIn != null) {
                            copyIn.cancelCopy();
                        }
                        throw new SQLException("interrupted while loading " + sourceSchema + "." + sourceTable);
                    }
                    if (copyIn == null) {
                        copyIn = target.unwrap(PGConnection.class).getCopyAPI().copyIn(copy);
                    }
                    encoder.appendRow(rs, buffer);
                    total++;
                    if (buffer.size() >= FLUSH_BYTES) {
                        copyIn.writeToCopy(buffer.toByteArray(), 0, buffer.size());
                        buffer.reset();
                    }
                    if (++inTransaction == commitRate) {
                        finish(copyIn, buffer);
                        target.commit();
                        rows.addAndGet(inTransaction);
                        copyIn = null;
                        inTransaction = 0;
                    }
                }
                if (copyIn != null) {
                    finish(copyIn, buffer);
                }
                target.commit();
                rows.addAndGet(inTransaction);
                return total;
            }
        } catch (SQLException | RuntimeException e) {
            target.rollback();
            throw e;
        } finally {
            if (!source.getAutoCommit()) {
                source.rollback();
            }
        }
    }

    /** The source query: the selected columns, the filters with their placeholders. */
    /**
     * The SQL with each placeholder replaced by the next literal, in one pass: a {@code ?} inside a quoted identifier
     * or a string literal is no placeholder, and an inlined literal is never searched again (one holding a {@code ?}
     * would otherwise take the next value).
     */
    static String inline(String sql, List<String> literals) {
        StringBuilder inlined = new StringBuilder(sql.length());
        int next = 0;
        char quote = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (quote != 0) {
                // a doubled quote inside a quoted part reads as closing and reopening it: the same result
                quote = c == quote ? 0 : quote;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '?') {
                if (next == literals.size()) {
                    throw new IllegalStateException("more placeholders than the " + literals.size() + " filter values");
                }
                inlined.append(literals.get(next++));
                continue;
            }
            inlined.append(c);
        }
        if (next != literals.size()) {
            throw new IllegalStateException(literals.size() + " filter values for " + next + " placeholders");
        }
        return inlined.toString();
    }

    String select() {
        return "SELECT " + sourceColumns.stream().map(Identifiers::escape).collect(Collectors.joining(", "))
                + " FROM " + Identifiers.escape(sourceSchema) + "." + Identifiers.escape(sourceTable) + where;
    }

    private static void finish(CopyIn copyIn, ByteArrayOutputStream buffer) throws SQLException {
        if (buffer.size() > 0) {
            copyIn.writeToCopy(buffer.toByteArray(), 0, buffer.size());
            buffer.reset();
        }
        copyIn.endCopy();
    }

}
