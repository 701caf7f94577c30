package dev.dmsflow.validation.check;

import static dev.dmsflow.validation.check.CanonicalForm.CHUNK;
import static dev.dmsflow.validation.check.CanonicalForm.UNBOUNDED;

import dev.dmsflow.contracts.catalog.Identifiers;
import dev.dmsflow.support.sql.SqlQuery;
import dev.dmsflow.validation.check.CanonicalForm.Family;
import dev.dmsflow.validation.check.CanonicalForm.Type;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every statement the SOURCE check sends to an Oracle source, in one place: its catalog, the {@link CanonicalForm} of
 * its values and rows ({@code STANDARD_HASH}, which needs no grant), and the digest, leaf, split-point and presence
 * queries over a source table. Values are always bound; identifiers come from the catalog and are quoted as they are
 * stored (upper case).
 *
 * <p>Columns of an Oracle table are described with Oracle's names: {@link Column#typeName()} is
 * {@code ALL_TAB_COLUMNS.DATA_TYPE} ({@code NUMBER}, {@code TIMESTAMP(6) WITH TIME ZONE}), {@link Column#typmod()} the
 * length in bytes of character and RAW columns, -1 otherwise.
 *
 * <p>Oracle has no {@code width_bucket} over a list of thresholds. A few ranges (bisection levels, leaf reads) are a
 * {@code CASE} of key-range predicates, which the key's index serves; many (the first pass over the window) are
 * numbered in one sort: the thresholds, bound as one JSON array, are sorted with the rows, and a row's bucket is the
 * running count of thresholds at or below its key, like {@code width_bucket} — one pass whatever their number, where a
 * {@code CASE} ladder would compare every row with every range and a bind per threshold would run into statement limits.
 *
 * <p>Keys are bound typed or as text converted in SQL: a NUMBER as a {@link BigDecimal} ({@code TO_NUMBER} would read
 * the text by the session's {@code NLS_NUMERIC_CHARACTERS}), a time as UTC text through {@code TO_TIMESTAMP} with a
 * fixed format, a string as is. Text keys compare in Oracle's binary order; a PostgreSQL staging table must order them
 * the same way (collation "C") for ranges to agree.
 */
final class OracleSql {

    static final String PRODUCT_NAME = "Oracle";

    private static final String O = "o";
    private static final int MAX_RANGE_PREDICATES = 64;
    private static final Pattern TIMESTAMP = Pattern.compile("TIMESTAMP\\((\\d)\\)( WITH TIME ZONE| WITH LOCAL TIME ZONE)?");
    private static final String KEY_TIME_FORMAT = "YYYY-MM-DD HH24:MI:SS.FF9";
    private static final DateTimeFormatter KEY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSSSS");
    // PostgreSQL's text of a timestamp (with or without an offset) or an ISO one
    private static final Pattern TIME_TEXT = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})[ T](\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?)([+-]\\d{2}(?::?\\d{2}){0,2})?");
    private static final String COLUMNS = "SELECT COLUMN_NAME, DATA_TYPE, DATA_LENGTH, DATA_PRECISION, DATA_SCALE FROM ALL_TAB_COLUMNS"
            + " WHERE OWNER = ? AND TABLE_NAME = ? ORDER BY COLUMN_ID";

    private final Relation table;
    private final List<Column> keys;
    private final Column leadingKey;
    private final Optional<Column> window;
    private final Optional<WindowFilter> windowFilter;
    private final Optional<Instant> loadStartedAt;
    private final List<String> values;
    private final String rowHash;
    private final String keyText;

    /**
     * @param table         the source table, read with {@link #relation}
     * @param keys          its key columns, in key order
     * @param window        its window column, when the run has one
     * @param windowFilter  the run's window
     * @param loadStartedAt when the load started: rows whose window column is at or after it changed after the load
     * @param row           the compared columns, paired with staging's
     */
    OracleSql(Relation table, List<Column> keys, Optional<Column> window, Optional<WindowFilter> windowFilter, Optional<Instant> loadStartedAt,
              CanonicalForm.Row row) {
        this.table = table;
        this.keys = List.copyOf(keys);
        this.leadingKey = keys.get(0);
        this.window = window;
        this.windowFilter = window.isPresent() ? windowFilter : Optional.empty();
        this.loadStartedAt = loadStartedAt;
        // refuses a key that cannot bound ranges before any SQL is built
        keys.forEach(OracleSql::keyFamily);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < row.source().size(); i++) {
            Column column = row.source().get(i);
            values.add(value(ref(column), column, row.forms().get(i)));
        }
        this.values = List.copyOf(values);
        this.rowHash = rowHash(values, row.groups());
        this.keyText = CanonicalForm.keyText(keys.stream().map(key -> value(ref(key), key, row.form(key))).toList());
    }

    /** The SQL of a row's hash in this table (alias {@code o}). */
    String rowHash() {
        return rowHash;
    }

    /** The SQL of a row's key text in this table (alias {@code o}). */
    String keyText() {
        return keyText;
    }

    static boolean isOracle(Connection connection) throws SQLException {
        return PRODUCT_NAME.equals(connection.getMetaData().getDatabaseProductName());
    }

    // ---- catalog

    /** The table as named, else with upper-case names (what unquoted names are in Oracle); {@link InvalidRunException} when neither exists. */
    static Relation relation(Connection connection, String role, String schema, String table) throws SQLException {
        if (!Identifiers.isPlain(schema) || !Identifiers.isPlain(table)) {
            throw new InvalidRunException(role + " " + schema + "." + table + " is not a plain identifier");
        }
        Map<String, Column> columns = columns(connection, schema, table);
        if (!columns.isEmpty()) {
            return new Relation(schema, table, columns);
        }
        String upperSchema = schema.toUpperCase(Locale.ROOT);
        String upperTable = table.toUpperCase(Locale.ROOT);
        columns = columns(connection, upperSchema, upperTable);
        if (columns.isEmpty()) {
            throw new InvalidRunException(role + " " + schema + "." + table + " does not exist");
        }
        return new Relation(upperSchema, upperTable, columns);
    }

    private static Map<String, Column> columns(Connection connection, String schema, String table) throws SQLException {
        Map<String, Column> columns = new LinkedHashMap<>();
        try (PreparedStatement query = connection.prepareStatement(COLUMNS)) {
            query.setString(1, schema);
            query.setString(2, table);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), column(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getObject(4, Integer.class),
                            rs.getObject(5, Integer.class)));
                }
            }
        }
        return columns;
    }

    /** A column as {@code ALL_TAB_COLUMNS} describes it (precision and scale null when not declared). */
    static Column column(String name, String dataType, int dataLength, Integer precision, Integer scale) {
        return switch (dataType) {
            // INTEGER is NUMBER(*,0): no precision, scale 0
            case "NUMBER" -> new Column(name, dataType, precision == null && scale == null ? "NUMBER"
                    : "NUMBER(" + (precision == null ? "*" : precision) + "," + (scale == null ? 0 : scale) + ")", -1);
            case "CHAR", "NCHAR", "VARCHAR2", "NVARCHAR2", "RAW" -> new Column(name, dataType, dataType + "(" + dataLength + ")", dataLength);
            default -> new Column(name, dataType, dataType, -1);
        };
    }

    // ---- canonical form

    /** What an Oracle column holds, in canonical terms; {@link InvalidRunException} for a type without a canonical form. */
    static Type type(Column column) {
        String type = column.typeName();
        Matcher timestamp = TIMESTAMP.matcher(type);
        if (timestamp.matches()) {
            return new Type(Family.TIME, Integer.parseInt(timestamp.group(1)), false, false, 32);
        }
        return switch (type) {
            case "NUMBER", "FLOAT" -> new Type(Family.NUMBER, 0, false, false, 66);
            case "DATE" -> new Type(Family.TIME, 0, false, false, 32);
            case "CHAR", "VARCHAR2" -> new Type(Family.TEXT, 0, type.equals("CHAR"), false, column.typmod());
            // national characters (2 bytes each in AL16UTF16) are converted to the database character set: up to 3 bytes
            case "NCHAR", "NVARCHAR2" -> new Type(Family.TEXT, 0, type.equals("NCHAR"), false, column.typmod() / 2 * 3);
            case "CLOB", "NCLOB" -> new Type(Family.TEXT, 0, false, true, UNBOUNDED);
            case "BLOB" -> new Type(Family.BINARY, 0, false, true, UNBOUNDED);
            case "RAW" -> new Type(Family.BINARY, 0, false, false, 2 * column.typmod());
            default -> throw new InvalidRunException("column " + column.name() + " of type " + type + " has no canonical form to compare it across databases");
        };
    }

    /** The canonical text of {@code ref}, an Oracle column {@code column}, in {@code form}; NULL stays NULL. */
    static String value(String ref, Column column, CanonicalForm form) {
        String type = column.typeName();
        boolean national = type.startsWith("N");
        return switch (form.family()) {
            case NUMBER -> {
                if (column.formattedType().endsWith(",0)")) {
                    // an integer has no decimal point, so neither the NLS separator nor a leading-dot form
                    yield "TO_CHAR(" + ref + ", 'TM9')";
                }
                // TM9 is the shortest text, without trailing zeros, but '.5' for 0.5: the 0 is added
                String text = "TO_CHAR(" + ref + ", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,''')";
                yield "CASE WHEN " + ref + " > -1 AND " + ref + " < 1 AND " + ref + " <> 0 THEN REPLACE(" + text + ", '.', '0.') ELSE " + text + " END";
            }
            case TIME -> {
                if (type.equals("DATE")) {
                    yield "TO_CHAR(" + ref + ", '" + CanonicalForm.timeFormat(0) + "')";
                }
                yield "TO_CHAR(CAST(" + utc(ref, type) + " AS TIMESTAMP(" + form.precision() + ")), '" + CanonicalForm.timeFormat(form.precision()) + "')";
            }
            case TEXT -> {
                if (form.large()) {
                    String chunk = "DBMS_LOB.SUBSTR(" + ref + ", " + CHUNK + ", LEVEL * " + CHUNK + " - " + (CHUNK - 1) + ")";
                    yield large(ref, national ? "TO_CHAR(" + chunk + ")" : chunk);
                }
                String text = national ? "TO_CHAR(" + ref + ")" : ref;
                yield form.padded() ? "RTRIM(" + text + ")" : text;
            }
            case BINARY -> form.large()
                    ? large(ref, "RAWTOHEX(DBMS_LOB.SUBSTR(" + ref + ", " + CHUNK + ", LEVEL * " + CHUNK + " - " + (CHUNK - 1) + "))")
                    : "RAWTOHEX(" + ref + ")";
        };
    }

    /** A time column's value as a TIMESTAMP of UTC wall time: zones taken to UTC, DATE and TIMESTAMP as they are (UTC already). */
    private static String utc(String ref, String type) {
        if (type.endsWith("WITH LOCAL TIME ZONE")) {
            return "SYS_EXTRACT_UTC(CAST(" + ref + " AS TIMESTAMP WITH TIME ZONE))";
        }
        if (type.endsWith("WITH TIME ZONE")) {
            return "SYS_EXTRACT_UTC(" + ref + ")";
        }
        return type.equals("DATE") ? "CAST(" + ref + " AS TIMESTAMP)" : ref;
    }

    /**
     * A LOB as {@code <length>:<sum of its chunks' hashes>}: STANDARD_HASH does not take LOBs and DBMS_CRYPTO needs a
     * grant, so the LOB is read in chunks that fit a VARCHAR2 (rows generated per LOB by CONNECT BY), chunk
     * {@code LEVEL} hashed with its number; empty is NULL.
     */
    private static String large(String ref, String chunk) {
        String length = "DBMS_LOB.GETLENGTH(" + ref + ")";
        return "CASE WHEN " + length + " > 0 THEN TO_CHAR(" + length + ") || ':' || (SELECT TO_CHAR(SUM(" + number("TO_CHAR(LEVEL) || ':' || " + chunk)
                + ")) FROM DUAL CONNECT BY LEVEL <= CEIL(" + length + " / " + CHUNK + ")) END";
    }

    /** The row hash of canonical {@code values} grouped by {@code groups} (see {@link CanonicalForm}). */
    static String rowHash(List<String> values, List<List<Integer>> groups) {
        List<String> texts = new ArrayList<>();
        for (List<Integer> group : groups) {
            if (group.size() == 1) {
                texts.add("NVL(" + values.get(group.get(0)) + ", CHR(" + CanonicalForm.SEPARATOR + "))");
            } else {
                texts.add(String.join(" || CHR(" + CanonicalForm.SEPARATOR + ") || ", group.stream().map(values::get).toList()));
            }
        }
        if (texts.size() == 1) {
            return number(texts.get(0));
        }
        return number(String.join(" || ", texts.stream().map(text -> "LOWER(RAWTOHEX(STANDARD_HASH(" + text + ", 'MD5')))").toList()));
    }

    /** The first 8 hex digits of the MD5 of {@code text} as a number from 0 to 2^32 - 1. */
    private static String number(String text) {
        return "TO_NUMBER(SUBSTR(RAWTOHEX(STANDARD_HASH(" + text + ", 'MD5')), 1, 8), 'XXXXXXXX')";
    }

    // ---- keys

    private static Family keyFamily(Column key) {
        Family family = type(key).family();
        if (family == Family.BINARY || type(key).large()) {
            throw new InvalidRunException("key column " + key.name() + " of type " + key.typeName() + " cannot bound key ranges");
        }
        return family;
    }

    /** {@code text} (SQL) converted to the key's type; the text of a time is {@link #KEY_TIME_FORMAT} in UTC. */
    private static String fromText(Column key, String text) {
        if (keyFamily(key) != Family.TIME) {
            return text;
        }
        String timestamp = "TO_TIMESTAMP(" + text + ", '" + KEY_TIME_FORMAT + "')";
        return key.typeName().contains("TIME ZONE") ? "FROM_TZ(" + timestamp + ", 'UTC')" : timestamp;
    }

    /**
     * The value bound for a key given as text (PostgreSQL's text of the staged key or a split point of {@link #splitPoints}):
     * a NUMBER as a BigDecimal, a time as UTC text for {@link #fromText}, a string as is.
     */
    static Object keyValue(Column key, String text) {
        return switch (keyFamily(key)) {
            case NUMBER -> new BigDecimal(text);
            case TIME -> utcText(text);
            default -> text;
        };
    }

    private static String utcText(String text) {
        Matcher time = TIME_TEXT.matcher(text);
        if (!time.matches()) {
            throw new InvalidRunException("not a timestamp: " + text);
        }
        LocalDateTime local = LocalDateTime.parse(time.group(1) + "T" + time.group(2));
        if (time.group(3) != null) {
            local = local.atOffset(ZoneOffset.of(time.group(3))).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        }
        return KEY_TIME.format(local);
    }

    private static String utcText(Instant instant) {
        return KEY_TIME.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
    }

    /** A key in JSON: a NUMBER as a JSON number (read by JSON_TABLE as NUMBER, whatever the NLS), anything else as a string. */
    private static String json(Column key, String text) {
        Object value = keyValue(key, text);
        if (value instanceof BigDecimal number) {
            return number.toPlainString();
        }
        StringBuilder json = new StringBuilder("\"");
        for (char c : value.toString().toCharArray()) {
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }

    private static String jsonType(Column key) {
        return keyFamily(key) == Family.NUMBER ? "NUMBER" : "VARCHAR2(4000)";
    }

    /**
     * The text of a key as split points are returned: PostgreSQL casts it to staging's key type and {@link #keyValue}
     * reads it back. A time is UTC with {@code +00:00}, which PostgreSQL ignores for a timestamp without time zone.
     */
    static String keyPoint(String ref, Column key) {
        return switch (keyFamily(key)) {
            case NUMBER -> value(ref, key, new CanonicalForm(Family.NUMBER, 0, false, false));
            case TIME -> "TO_CHAR(" + utc(ref, key.typeName()) + ", '" + KEY_TIME_FORMAT + "') || '+00:00'";
            default -> ref;
        };
    }

    // ---- queries

    private static String ref(Column column) {
        return O + "." + Normalization.quote(column.name());
    }

    private SqlQuery key(SqlQuery query, String before, Column key, String text) {
        return query.param(before + fromText(key, "?"), keyValue(key, text));
    }

    private SqlQuery time(SqlQuery query, String before, Column column, Instant instant) {
        return query.param(before + fromText(column, "?"), utcText(instant));
    }

    /** {@code lo <= key < hi} (a null bound is open). */
    private SqlQuery inRange(SqlQuery query, KeyRange range) {
        String key = ref(leadingKey);
        if (range.lo() == null && range.hi() == null) {
            return query.sql("1 = 1");
        }
        query.sql("(");
        if (range.lo() != null) {
            key(query, key + " >= ", leadingKey, range.lo());
        }
        if (range.hi() != null) {
            key(query, (range.lo() != null ? " AND " : "") + key + " < ", leadingKey, range.hi());
        }
        return query.sql(")");
    }

    private SqlQuery inWindow(SqlQuery query) {
        if (windowFilter.isEmpty()) {
            return query.sql("1 = 1");
        }
        String ref = ref(window.orElseThrow());
        time(query, "(" + ref + " >= ", window.get(), windowFilter.get().from());
        return time(query, " AND " + ref + " < ", window.get(), windowFilter.get().to()).sql(")");
    }

    /** The row was last changed before the load started (always, without a load start or window column). */
    private SqlQuery comparable(SqlQuery query) {
        if (loadStartedAt.isEmpty() || window.isEmpty()) {
            return query.sql("1 = 1");
        }
        return time(query, ref(window.get()) + " < ", window.get(), loadStartedAt.get());
    }

    /**
     * Appends an inline view of the table's rows in the laid-out ranges (in the window only when {@code inWindow}), each
     * with its bucket {@code b} and leading key {@code k}, and the columns {@code columns} appends (each
     * {@code , expr alias}, aliases {@code aliases}). With many ranges, rows between them come with the bucket of the
     * gap, which is not laid out: callers drop them.
     */
    private SqlQuery bucketed(SqlQuery query, RangeLayout layout, boolean inWindow, List<String> aliases, Consumer<SqlQuery> columns) {
        List<KeyRange> ranges = List.copyOf(layout.ranges().values());
        String key = ref(leadingKey);
        if (ranges.size() <= MAX_RANGE_PREDICATES) {
            query.sql("SELECT CASE");
            layout.ranges().forEach((bucket, range) -> inRange(query.sql(" WHEN "), range).sql(" THEN " + bucket));
            query.sql(" END b, " + key + " k");
            columns.accept(query);
            query.sql(" FROM " + table.quoted() + " " + O + " WHERE (");
            for (int i = 0; i < ranges.size(); i++) {
                inRange(query.sql(i == 0 ? "" : " OR "), ranges.get(i));
            }
            query.sql(")");
            return inWindow ? inWindow(query.sql(" AND ")) : query;
        }
        String carried = aliases.stream().map(alias -> ", " + alias).reduce("", String::concat);
        query.sql("SELECT b, k" + carried + " FROM (SELECT SUM(t) OVER (ORDER BY k, t DESC ROWS UNBOUNDED PRECEDING) b, t, k" + carried
                + " FROM (SELECT 0 t, " + sortable(leadingKey) + " k");
        columns.accept(query);
        inRange(query.sql(" FROM " + table.quoted() + " " + O + " WHERE "), new KeyRange(ranges.get(0).lo(), ranges.get(ranges.size() - 1).hi()));
        if (inWindow) {
            inWindow(query.sql(" AND "));
        }
        // the thresholds after the rows, so that the rows' branch types the UNION's columns
        String nulls = aliases.stream().map(alias -> ", NULL").reduce("", String::concat);
        List<String> thresholds = layout.thresholds().stream().map(threshold -> json(leadingKey, threshold)).toList();
        return query.sql(" UNION ALL SELECT 1, " + fromText(leadingKey, "j.v") + nulls + " FROM JSON_TABLE(")
                .param("?", new SqlQuery.Clob("[" + String.join(",", thresholds) + "]"))
                .sql(", '$[*]' COLUMNS (v " + jsonType(leadingKey) + " PATH '$')) j)) WHERE t = 0");
    }

    /**
     * The key as the sort of rows and thresholds takes it: a UNION's branches must agree on the type, and thresholds
     * are TIMESTAMPs ({@link #fromText}), with a time zone for zoned keys.
     */
    private static String sortable(Column key) {
        String ref = ref(key);
        if (key.typeName().equals("DATE")) {
            return "CAST(" + ref + " AS TIMESTAMP)";
        }
        return key.typeName().endsWith("WITH LOCAL TIME ZONE") ? "CAST(" + ref + " AS TIMESTAMP WITH TIME ZONE)" : ref;
    }

    /** bucket, comparable rows, their hash sum, all rows of the window, per laid-out range (and gaps, see {@link #bucketed}). */
    SqlQuery digest(RangeLayout layout) {
        SqlQuery query = new SqlQuery().sql("SELECT b, COUNT(CASE WHEN c = 1 THEN 1 END), NVL(SUM(CASE WHEN c = 1 THEN h END), 0), COUNT(*) FROM (");
        return bucketed(query, layout, true, List.of("h", "c"), columns -> {
            columns.sql(", " + rowHash + " h, CASE WHEN ");
            comparable(columns).sql(" THEN 1 ELSE 0 END c");
        }).sql(") GROUP BY b");
    }

    /** Comparable rows of the window, then all its rows: counted, nothing hashed. */
    SqlQuery counts() {
        SqlQuery query = new SqlQuery().sql("SELECT COUNT(CASE WHEN ");
        comparable(query).sql(" THEN 1 END), COUNT(*) FROM " + table.quoted() + " " + O + " WHERE ");
        return inWindow(query);
    }

    /** Key text of the rows changed at or after the load's start, whatever their window value: at most {@code limit}. */
    SqlQuery changedAfterLoad(int limit) {
        SqlQuery query = new SqlQuery().sql("SELECT " + keyText + " FROM " + table.quoted() + " " + O + " WHERE ");
        return time(query, ref(window.orElseThrow()) + " >= ", window.get(), loadStartedAt.orElseThrow()).param(" FETCH FIRST ? ROWS ONLY", limit);
    }

    /**
     * bucket, key text, row hash, in the compared set (in the window and last changed before the load: 1/0), changed
     * at or after the load's start (1/0): every row of the leaf ranges, whatever its window value.
     */
    SqlQuery leafRows(RangeLayout leaves) {
        SqlQuery query = new SqlQuery().sql("SELECT b, kt, h, c, d FROM (");
        return bucketed(query, leaves, false, List.of("kt", "h", "c", "d"), columns -> {
            columns.sql(", " + keyText + " kt, " + rowHash + " h, CASE WHEN ");
            inWindow(columns).sql(" AND ");
            comparable(columns).sql(" THEN 1 ELSE 0 END c, ");
            if (loadStartedAt.isPresent() && window.isPresent()) {
                time(columns, "CASE WHEN " + ref(window.get()) + " >= ", window.get(), loadStartedAt.get()).sql(" THEN 1 ELSE 0 END d");
            } else {
                columns.sql("0 d");
            }
        }).sql(")");
    }

    /**
     * bucket, key text, then the canonical text of each compared column (in the row's order): every row of the leaf
     * ranges, for naming the columns that differ.
     */
    SqlQuery leafValues(RangeLayout leaves) {
        List<String> aliases = new ArrayList<>(List.of("kt"));
        for (int i = 0; i < values.size(); i++) {
            aliases.add("v" + i);
        }
        SqlQuery query = new SqlQuery().sql("SELECT b, " + String.join(", ", aliases) + " FROM (");
        return bucketed(query, leaves, false, aliases, columns -> {
            columns.sql(", " + keyText + " kt");
            for (int i = 0; i < values.size(); i++) {
                columns.sql(", " + values.get(i) + " v" + i);
            }
        }).sql(")");
    }

    /** bucket, then {@code parts - 1} quantiles of the leading key ({@link #keyPoint} text) of the rows in each range. */
    SqlQuery splitPoints(RangeLayout ranges, int parts) {
        List<String> points = new ArrayList<>();
        for (int i = 1; i < parts; i++) {
            points.add(", " + keyPoint("p" + i, leadingKey));
        }
        SqlQuery query = new SqlQuery().sql("SELECT b" + String.join("", points) + " FROM (SELECT b");
        for (int i = 1; i < parts; i++) {
            query.param(", PERCENTILE_DISC(?) WITHIN GROUP (ORDER BY k) p" + i, (double) i / parts);
        }
        return bucketed(query.sql(" FROM ("), ranges, false, List.of(), columns -> { }).sql(") GROUP BY b)");
    }

    /**
     * The 1-based position of each of {@code keyTexts} (PostgreSQL's text of the leading key) the table holds, then the
     * canonical text of each compared column: one query, the keys bound as one JSON array.
     */
    SqlQuery keyValues(List<String> keyTexts) {
        String json = keyTexts.stream().map(key -> "[" + json(leadingKey, key) + "]").collect(Collectors.joining(",", "[", "]"));
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            columns.add(", " + values.get(i));
        }
        return new SqlQuery().sql("SELECT x.n" + String.join("", columns) + " FROM JSON_TABLE(").param("?", new SqlQuery.Clob(json))
                .sql(", '$[*]' COLUMNS (n FOR ORDINALITY, k0 " + jsonType(leadingKey) + " PATH '$[0]')) x JOIN " + table.quoted() + " " + O
                        + " ON " + ref(leadingKey) + " = " + fromText(leadingKey, "x.k0"));
    }

    /**
     * The 1-based positions of {@code keys} (PostgreSQL's text of each key column, in key order) that the table has,
     * whatever their window value: one query, the keys bound as one JSON array of arrays.
     */
    SqlQuery present(List<List<String>> keyTexts) {
        StringBuilder json = new StringBuilder("[");
        for (List<String> key : keyTexts) {
            json.append(json.length() == 1 ? "[" : ",[");
            for (int i = 0; i < keys.size(); i++) {
                json.append(i == 0 ? "" : ",").append(json(keys.get(i), key.get(i)));
            }
            json.append(']');
        }
        json.append(']');
        List<String> columns = new ArrayList<>();
        List<String> on = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            columns.add(", k" + i + " " + jsonType(keys.get(i)) + " PATH '$[" + i + "]'");
            on.add(ref(keys.get(i)) + " = " + fromText(keys.get(i), "x.k" + i));
        }
        return new SqlQuery().param("SELECT x.n FROM JSON_TABLE(?", new SqlQuery.Clob(json.toString()))
                .sql(", '$[*]' COLUMNS (n FOR ORDINALITY" + String.join("", columns) + ")) x WHERE EXISTS (SELECT 1 FROM " + table.quoted() + " " + O
                        + " WHERE " + String.join(" AND ", on) + ")");
    }
}
