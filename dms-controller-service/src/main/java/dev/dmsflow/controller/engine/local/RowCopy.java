package dev.dmsflow.controller.engine.local;

import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/** The copy of any other source (Oracle): a streaming SELECT, each row encoded as COPY text into staging. */
final class RowCopy {

    private RowCopy() {
    }

    /** Any other source: a streaming SELECT (fetch size), each value read by its JDBC type and encoded for COPY. */
    static long copy(TableCopy table, Connection source, Connection target, String copy, int commitRate, int fetchSize,
                     boolean datesHaveTime, AtomicLong rows) throws SQLException {
        String select = table.select();
        try (PreparedStatement statement = source.prepareStatement(select, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            statement.setFetchSize(fetchSize);
            for (int i = 0; i < table.binds().size(); i++) {
                statement.setString(i + 1, table.binds().get(i));
            }
            try (ResultSet rs = statement.executeQuery()) {
                int[] types = new int[table.sourceColumns().size()];
                String[] typeNames = new String[types.length];
                for (int i = 0; i < types.length; i++) {
                    types[i] = rs.getMetaData().getColumnType(i + 1);
                    typeNames[i] = rs.getMetaData().getColumnTypeName(i + 1);
                }
                CopyText encoder = new CopyText(types, typeNames, datesHaveTime);
                ByteArrayOutputStream buffer = new ByteArrayOutputStream(TableCopy.FLUSH_BYTES * 2);
                CopyIn copyIn = null;
                long inTransaction = 0;
                long total = 0;
                while (rs.next()) {
                    if (Thread.currentThread().isInterrupted()) {
                        // the task was stopped: its COPY ends here, not when the source runs out
                        if (copyIn != null) {
                            copyIn.cancelCopy();
                        }
                        throw new SQLException("interrupted while loading " + table.sourceSchema() + "." + table.sourceTable());
                    }
                    if (copyIn == null) {
                        copyIn = target.unwrap(PGConnection.class).getCopyAPI().copyIn(copy);
                    }
                    encoder.appendRow(rs, buffer);
                    total++;
                    if (buffer.size() >= TableCopy.FLUSH_BYTES) {
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

    private static void finish(CopyIn copyIn, ByteArrayOutputStream buffer) throws SQLException {
        if (buffer.size() > 0) {
            copyIn.writeToCopy(buffer.toByteArray(), 0, buffer.size());
            buffer.reset();
        }
        copyIn.endCopy();
    }
}
