package dev.dmsflow.schema.drift;

import dev.dmsflow.contracts.catalog.MigrationCatalog;
import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/drift}: the drift of every catalog table as the database is now. */
@RestController
@RequestMapping("/api")
class DriftController {

    private final DataSource dataSource;
    private final ObjectProvider<MigrationCatalog> catalog;

    DriftController(DataSource dataSource, ObjectProvider<MigrationCatalog> catalog) {
        this.dataSource = dataSource;
        this.catalog = catalog;
    }

    @GetMapping("/drift")
    ResponseEntity<?> drift() throws SQLException {
        MigrationCatalog available = catalog.getIfAvailable();
        if (available == null) {
            return ResponseEntity.status(HttpStatus.CONFLICT)
                    .body(new Problem("schema-service has no migration catalog (dmsflow.catalog.location) to check"));
        }
        return ResponseEntity.ok(new DriftReporter(dataSource, available, Clock.systemUTC()).report());
    }

    record Problem(String error) {
    }
}
