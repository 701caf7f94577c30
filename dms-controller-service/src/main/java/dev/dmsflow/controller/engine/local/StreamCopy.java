package dev.dmsflow.controller.engine.local;

import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

/** The copy of a PostgreSQL source: COPY out of the source, straight into COPY into staging. */
final class StreamCopy {

    private StreamCopy() {
    }

    /**
     * A PostgreSQL source speaks COPY too: its rows stream out already in COPY text format and go straight into the
     * staging COPY, with no decoding and re-encoding in between. COPY takes no parameters, so the filter values are
     * turned into literals by the source server itself ({@code quote_literal}), never by string building here.
     */
    static long copy(TableCopy table, Connection source, Connection target, String copy, int commitRate, AtomicLong rows) throws SQLException {
        List<String> literals = new ArrayList<>();
        if (!table.binds().isEmpty()) {
            // all in one round trip: a repair's thousand keys took one each
            try (PreparedStatement quote = source.prepareStatement(
                    "SELECT quote_literal(v) FROM unnest(?::text[]) WITH ORDINALITY AS b(v, i) ORDER BY i")) {
                quote.setArray(1, source.createArrayOf("text", table.binds().toArray()));
                try (ResultSet rs = quote.executeQuery()) {
                    while (rs.next()) {
                        literals.add(rs.getString(1));
                    }
                }
            }
        }
        String select = inline(table.select(), literals);
        CopyOut copyOut = source.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + select + ") TO STDOUT");
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
            throw new SQLException("interrupted while loading " + table.sourceSchema() + "." + table.sourceTable(), e);
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

    private static void read(CopyOut copyOut, int commitRate, BlockingQueue<Chunk> chunks, AtomicReference<Throwable> failure) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(TableCopy.FLUSH_BYTES * 2);
        long inChunk = 0;
        long inTransaction = 0;
        try {
            byte[] row;
            // one CopyData message per row in text format
            while ((row = copyOut.readFromCopy()) != null) {
                buffer.write(row, 0, row.length);
                inChunk++;
                boolean commit = ++inTransaction == commitRate;
                if (commit || buffer.size() >= TableCopy.FLUSH_BYTES) {
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
}
