package dev.dmsflow.contracts.catalog;

import dev.dmsflow.contracts.catalog.MultiStageDefinition.FinalTable;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.ForeignServer;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.ForeignTable;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.JoinColumns;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.Side;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.View;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.ViewColumn;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a migration catalog (YAML) and checks it completely, so a bad catalog fails at startup with every problem
 * named by file, entry and field, instead of failing a run later. The format:
 *
 * <pre>
 * tables:
 *   orders:                                  # catalog name, used in requests
 *     source:     { schema: APP, table: ORDERS }
 *     staging:    { schema: staging, table: orders }
 *     production: { schema: production, table: orders }
 *     keyColumns: [order_id]
 *     windowColumn: updated_at               # optional: tables without one are only loaded whole
 *     windowPrecision: 6                     # optional: fractional-second digits of it in the source (DATE: 0)
 *     cdc: true                              # optional: CDC writes into production while reloads run
 *     changeTracking: true                   # optional (default: cdc): a change log on production lets CDC win
 *     binaryFloats: false                    # optional: FLOAT(b) may become real/double precision instead of numeric
 *     repair: auto                           # optional: auto, manual (default) or off; or { policy: auto, deletes: true }
 * multiStage:
 *   orders_enriched:
 *     stagingTable: orders                   # a catalog table
 *     foreignServer: { name: db2, host: db2.internal, port: 5432, dbname: app, user: fdw_user, passwordEnv: DB2_FDW_PASSWORD }
 *     foreignTable:  { schema: staging, table: customers_db2, remoteSchema: public, remoteTable: customers }
 *     view:
 *       schema: staging
 *       name: orders_enriched_v
 *       join: [{ staging: customer_id, foreign: customer_id }]
 *       columns:
 *         - { from: staging, column: order_id }
 *         - { from: foreign, column: name, as: customer_name }
 *     finalTable: { schema: target, table: orders_enriched, keyColumns: [order_id], timestampColumn: updated_at }
 *     sync: true                             # optional: a trigger keeps the final table in sync after the load
 * </pre>
 */
public final class CatalogLoader {

    private CatalogLoader() {
    }

    public static MigrationCatalog load(Path file) {
        String location = file.toAbsolutePath().toString();
        try (InputStream in = Files.newInputStream(file)) {
            return load(location, in);
        } catch (IOException e) {
            throw new CatalogException(location, "cannot be read (" + e.getMessage() + ")", e);
        }
    }

    public static MigrationCatalog load(String location, InputStream in) {
        Object root;
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(new SafeConstructor(options)).load(reader);
        } catch (YAMLException e) {
            throw new CatalogException(location, "is not valid YAML: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CatalogException(location, "cannot be read (" + e.getMessage() + ")", e);
        }
        return new Parse(location).catalog(root);
    }

    /** One parse: collects every problem, then fails once with all of them. */
    private static final class Parse {
        private final String location;
        private final List<String> problems = new ArrayList<>();

        Parse(String location) {
            this.location = location;
        }

        MigrationCatalog catalog(Object root) {
            Map<String, Object> top = map(root, "catalog");
            Map<String, CatalogTable> tables = new LinkedHashMap<>();
            Map<String, MultiStageDefinition> multiStages = new LinkedHashMap<>();
            if (top != null) {
                unknownKeys(top, "catalog", Set.of("tables", "multiStage"));
                Map<String, Object> tableEntries = map(top.get("tables"), "tables");
                if (tableEntries != null && tableEntries.isEmpty()) {
                    problems.add("tables: no table is defined");
                }
                if (tableEntries != null) {
                    tableEntries.forEach((name, entry) -> table(name, entry).ifPresent(t -> tables.put(name, t)));
                }
                Object stages = top.get("multiStage");
                if (stages != null) {
                    Map<String, Object> stageEntries = map(stages, "multiStage");
                    if (stageEntries != null) {
                        stageEntries.forEach((name, entry) ->
                                multiStage(name, entry, tables).ifPresent(m -> multiStages.put(name, m)));
                    }
                }
            }
            duplicateTargets(tables);
            if (!problems.isEmpty()) {
                throw new CatalogException(location, problems);
            }
            return new MigrationCatalog(location, Collections.unmodifiableMap(tables), Collections.unmodifiableMap(multiStages));
        }

        private Optional<CatalogTable> table(String name, Object entry) {
            String path = "tables." + name;
            int before = problems.size();
            identifier(name, path + " (the catalog name)");
            Map<String, Object> fields = map(entry, path);
            if (fields == null) {
                return Optional.empty();
            }
            unknownKeys(fields, path, Set.of("source", "staging", "production", "keyColumns", "windowColumn", "windowPrecision",
                    "cdc", "changeTracking", "binaryFloats", "repair"));
            QualifiedName source = qualified(fields.get("source"), path + ".source");
            QualifiedName staging = qualified(fields.get("staging"), path + ".staging");
            QualifiedName production = qualified(fields.get("production"), path + ".production");
            List<String> keys = identifiers(fields.get("keyColumns"), path + ".keyColumns");
            Optional<String> window = Optional.ofNullable(fields.get("windowColumn")).map(w -> requiredIdentifier(w, path + ".windowColumn"));
            Object precision = fields.getOrDefault("windowPrecision", CatalogTable.DEFAULT_WINDOW_PRECISION);
            if (!(precision instanceof Integer p && p >= 0 && p <= 9)) {
                problems.add(path + ".windowPrecision: '" + precision + "' must be a number of fractional-second digits, 0 to 9");
            }
            boolean cdc = flag(fields, "cdc", false, path);
            boolean changeTracking = flag(fields, "changeTracking", cdc, path);
            boolean binaryFloats = flag(fields, "binaryFloats", false, path);
            CatalogTable.Repair repair = repair(fields.get("repair"), path + ".repair");
            if (repair.policy() == CatalogTable.Repair.Policy.AUTO && keys != null && keys.size() > 1) {
                // a repair's task selects its keys with one filter on one column; rows are told apart by it alone
                problems.add(path + ".repair: a repair needs a single-column key (keyColumns " + keys + "); use repair: manual or off");
            }
            if (source != null && staging != null && source.equals(staging)) {
                problems.add(path + ": source and staging are the same table " + source);
            }
            if (staging != null && staging.equals(production)) {
                problems.add(path + ": staging and production are the same table " + staging + "; a merge needs two tables");
            }
            if (problems.size() > before) {
                return Optional.empty();
            }
            return Optional.of(new CatalogTable(name, source, staging, production, keys, window, (Integer) precision,
                    cdc, changeTracking, binaryFloats, repair));
        }

        private CatalogTable.Repair repair(Object entry, String path) {
            if (entry == null) {
                return CatalogTable.Repair.DEFAULT;
            }
            if (entry instanceof String || Boolean.FALSE.equals(entry)) {
                return new CatalogTable.Repair(policy(entry, path), false);
            }
            Map<String, Object> fields = map(entry, path);
            if (fields == null) {
                return CatalogTable.Repair.DEFAULT;
            }
            unknownKeys(fields, path, Set.of("policy", "deletes"));
            return new CatalogTable.Repair(policy(fields.getOrDefault("policy", "manual"), path + ".policy"),
                    flag(fields, "deletes", false, path));
        }

        private CatalogTable.Repair.Policy policy(Object value, String path) {
            if (Boolean.FALSE.equals(value)) {
                // YAML 1.1 reads a bare off as false
                return CatalogTable.Repair.Policy.OFF;
            }
            for (CatalogTable.Repair.Policy policy : CatalogTable.Repair.Policy.values()) {
                if (policy.name().toLowerCase(Locale.ROOT).equals(value)) {
                    return policy;
                }
            }
            problems.add(path + ": '" + value + "' must be auto, manual or off");
            return CatalogTable.Repair.DEFAULT.policy();
        }

        private boolean flag(Map<String, Object> fields, String name, boolean otherwise, String path) {
            Object value = fields.getOrDefault(name, otherwise);
            if (value instanceof Boolean b) {
                return b;
            }
            problems.add(path + "." + name + ": '" + value + "' must be true or false");
            return otherwise;
        }

        private Optional<MultiStageDefinition> multiStage(String name, Object entry, Map<String, CatalogTable> tables) {
            String path = "multiStage." + name;
            int before = problems.size();
            identifier(name, path + " (the definition name)");
            Map<String, Object> fields = map(entry, path);
            if (fields == null) {
                return Optional.empty();
            }
            unknownKeys(fields, path, Set.of("stagingTable", "foreignServer", "foreignTable", "view", "finalTable", "sync"));
            Object sync = fields.getOrDefault("sync", false);
            if (!(sync instanceof Boolean)) {
                problems.add(path + ".sync: '" + sync + "' must be true or false");
            }
            String stagingTable = requiredIdentifier(fields.get("stagingTable"), path + ".stagingTable");
            if (stagingTable != null && !tables.containsKey(stagingTable)) {
                problems.add(path + ".stagingTable: '" + stagingTable + "' is not a table of this catalog (tables: "
                        + String.join(", ", tables.keySet()) + ")");
            }
            ForeignServer server = foreignServer(fields.get("foreignServer"), path + ".foreignServer");
            ForeignTable foreign = foreignTable(fields.get("foreignTable"), path + ".foreignTable");
            View view = view(fields.get("view"), path + ".view");
            FinalTable finalTable = finalTable(fields.get("finalTable"), path + ".finalTable");
            if (view != null && finalTable != null) {
                Set<String> outputs = new HashSet<>();
                view.columns().forEach(c -> outputs.add(c.outputName()));
                for (String key : finalTable.keyColumns()) {
                    if (!outputs.contains(key)) {
                        problems.add(path + ".finalTable.keyColumns: '" + key + "' is not a column of the view (columns: "
                                + String.join(", ", outputs) + ")");
                    }
                }
                finalTable.timestampColumn().filter(ts -> !outputs.contains(ts)).ifPresent(ts ->
                        problems.add(path + ".finalTable.timestampColumn: '" + ts + "' is not a column of the view"));
            }
            if (problems.size() > before) {
                return Optional.empty();
            }
            return Optional.of(new MultiStageDefinition(name, stagingTable, server, foreign, view, finalTable, Boolean.TRUE.equals(sync)));
        }

        private ForeignServer foreignServer(Object entry, String path) {
            Map<String, Object> fields = map(entry, path);
            if (fields == null) {
                return null;
            }
            unknownKeys(fields, path, Set.of("name", "host", "port", "dbname", "user", "passwordEnv", "password"));
            if (fields.containsKey("password")) {
                problems.add(path + ".password: passwords do not belong in the catalog; name the environment variable that holds it with passwordEnv");
            }
            String name = requiredIdentifier(fields.get("name"), path + ".name");
            String host = requiredText(fields.get("host"), path + ".host");
            String dbname = requiredText(fields.get("dbname"), path + ".dbname");
            String user = requiredText(fields.get("user"), path + ".user");
            Object portValue = fields.getOrDefault("port", 5432);
            int port = -1;
            if (portValue instanceof Integer p && p > 0 && p < 65536) {
                port = p;
            } else {
                problems.add(path + ".port: '" + portValue + "' is not a TCP port");
            }
            Optional<String> passwordEnv = Optional.ofNullable(fields.get("passwordEnv")).map(v -> requiredText(v, path + ".passwordEnv"));
            return new ForeignServer(name, host, port, dbname, user, passwordEnv);
        }

        private ForeignTable foreignTable(Object entry, String path) {
            Map<String, Object> fields = map(entry, path);
            if (fields == null) {
                return null;
            }
            unknownKeys(fields, path, Set.of("schema", "table", "remoteSchema", "remoteTable"));
            QualifiedName local = new QualifiedName(requiredIdentifier(fields.get("schema"), path + ".schema"),
                    requiredIdentifier(fields.get("table"), path + ".table"));
            QualifiedName remote = new QualifiedName(requiredIdentifier(fields.get("remoteSchema"), path + ".remoteSchema"),
                    requiredIdentifier(fields.get("remoteTable"), path + ".remoteTable"));
            return new ForeignTable(local, remote);
        }

        private View view(Object entry, String path) {
            Map<String, Object> fields = map(entry, path);
            if (fields == null) {
                return null;
            }
            unknownKeys(fields, path, Set.of("schema", "name", "join", "columns"));
            QualifiedName name = new QualifiedName(requiredIdentifier(fields.get("schema"), path + ".schema"),
                    requiredIdentifier(fields.get("name"), path + ".name"));
            List<JoinColumns> join = new ArrayList<>();
            List<Object> joinEntries = list(fields.get("join"), path + ".join");
            for (int i = 0; joinEntries != null && i < joinEntries.size(); i++) {
                String at = path + ".join[" + i + "]";
                Map<String, Object> pair = map(joinEntries.get(i), at);
                if (pair != null) {
                    unknownKeys(pair, at, Set.of("staging", "foreign"));
                    join.add(new JoinColumns(requiredIdentifier(pair.get("staging"), at + ".staging"),
                            requiredIdentifier(pair.get("foreign"), at + ".foreign")));
                }
            }
            if (joinEntries != null && joinEntries.isEmpty()) {
                problems.add(path + ".join: at least one pair of join columns is needed");
            }
            List<ViewColumn> columns = new ArrayList<>();
            Set<String> outputs = new HashSet<>();
            List<Object> columnEntries = list(fields.get("columns"), path + ".columns");
            for (int i = 0; columnEntries != null && i < columnEntries.size(); i++) {
                String at = path + ".columns[" + i + "]";
                Map<String, Object> column = map(columnEntries.get(i), at);
                if (column == null) {
                    continue;
                }
                unknownKeys(column, at, Set.of("from", "column", "as"));
                Side side = side(column.get("from"), at + ".from");
                String source = requiredIdentifier(column.get("column"), at + ".column");
                String output = column.containsKey("as") ? requiredIdentifier(column.get("as"), at + ".as") : source;
                if (output != null && !outputs.add(output)) {
                    problems.add(at + ": the view already has a column named '" + output + "'; rename one with 'as'");
                }
                columns.add(new ViewColumn(side, source, output));
            }
            if (columnEntries != null && columnEntries.isEmpty()) {
                problems.add(path + ".columns: the view needs at least one column");
            }
            return new View(name, join, columns);
        }

        private FinalTable finalTable(Object entry, String path) {
            Map<String, Object> fields = map(entry, path);
            if (fields == null) {
                return null;
            }
            unknownKeys(fields, path, Set.of("schema", "table", "keyColumns", "timestampColumn"));
            QualifiedName table = new QualifiedName(requiredIdentifier(fields.get("schema"), path + ".schema"),
                    requiredIdentifier(fields.get("table"), path + ".table"));
            List<String> keys = identifiers(fields.get("keyColumns"), path + ".keyColumns");
            Optional<String> ts = Optional.ofNullable(fields.get("timestampColumn")).map(v -> requiredIdentifier(v, path + ".timestampColumn"));
            return new FinalTable(table, keys == null ? List.of() : keys, ts);
        }

        private Side side(Object value, String path) {
            String text = requiredText(value, path);
            if (text == null) {
                return null;
            }
            try {
                return Side.valueOf(text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add(path + ": '" + text + "' must be 'staging' or 'foreign'");
                return null;
            }
        }

        private void duplicateTargets(Map<String, CatalogTable> tables) {
            Map<QualifiedName, String> owners = new LinkedHashMap<>();
            for (CatalogTable table : tables.values()) {
                for (QualifiedName written : List.of(table.staging(), table.production())) {
                    String previous = owners.putIfAbsent(written, table.name());
                    if (previous != null && !previous.equals(table.name())) {
                        problems.add("tables." + table.name() + ": " + written + " is also written by tables." + previous
                                + "; two catalog entries cannot share a staging or production table");
                    }
                }
            }
        }

        private QualifiedName qualified(Object entry, String path) {
            Map<String, Object> fields = map(entry, path);
            if (fields == null) {
                return null;
            }
            unknownKeys(fields, path, Set.of("schema", "table"));
            String schema = requiredIdentifier(fields.get("schema"), path + ".schema");
            String table = requiredIdentifier(fields.get("table"), path + ".table");
            return schema == null || table == null ? null : new QualifiedName(schema, table);
        }

        private List<String> identifiers(Object value, String path) {
            List<Object> entries = list(value, path);
            if (entries == null) {
                return null;
            }
            if (entries.isEmpty()) {
                problems.add(path + ": at least one column is needed");
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                String name = requiredIdentifier(entries.get(i), path + "[" + i + "]");
                if (name != null && names.contains(name)) {
                    problems.add(path + ": '" + name + "' is listed twice");
                }
                names.add(name);
            }
            return names;
        }

        private String requiredIdentifier(Object value, String path) {
            String text = requiredText(value, path);
            return text == null ? null : identifier(text, path);
        }

        private String identifier(String text, String path) {
            if (!Identifiers.isPlain(text)) {
                problems.add(path + ": '" + text + "' is not a plain identifier (letters, digits, _ and $, starting with a letter or _, at most 63 characters)");
                return null;
            }
            return text;
        }

        private String requiredText(Object value, String path) {
            if (value == null) {
                problems.add(path + ": missing");
                return null;
            }
            if (value instanceof Map || value instanceof List) {
                problems.add(path + ": expected a single value, found a " + (value instanceof Map ? "mapping" : "list"));
                return null;
            }
            String text = value.toString().strip();
            if (text.isEmpty()) {
                problems.add(path + ": empty");
                return null;
            }
            return text;
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> map(Object value, String path) {
            if (value == null) {
                problems.add(path + ": missing");
                return null;
            }
            if (!(value instanceof Map<?, ?> m)) {
                problems.add(path + ": expected a mapping, found '" + value + "'");
                return null;
            }
            for (Object key : m.keySet()) {
                if (!(key instanceof String)) {
                    problems.add(path + ": key '" + key + "' is not a name");
                    return null;
                }
            }
            return (Map<String, Object>) m;
        }

        @SuppressWarnings("unchecked")
        private List<Object> list(Object value, String path) {
            if (value == null) {
                problems.add(path + ": missing");
                return null;
            }
            if (!(value instanceof List<?>)) {
                problems.add(path + ": expected a list, found '" + value + "'");
                return null;
            }
            return (List<Object>) value;
        }

        private void unknownKeys(Map<String, Object> fields, String path, Set<String> allowed) {
            fields.keySet().stream().filter(key -> !allowed.contains(key)).sorted().forEach(key ->
                    problems.add(path + ": unknown field '" + key + "' (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")"));
        }
    }
}
