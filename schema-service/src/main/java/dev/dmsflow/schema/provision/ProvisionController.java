package dev.dmsflow.schema.provision;

import dev.dmsflow.schema.ddl.ProvisionReport;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/provision}: 200 with the report when everything is provisioned, 422 with it when something failed. */
@RestController
@RequestMapping("/api")
class ProvisionController {

    private final ObjectProvider<Provisioner> provisioner;

    ProvisionController(ObjectProvider<Provisioner> provisioner) {
        this.provisioner = provisioner;
    }

    @PostMapping("/provision")
    ResponseEntity<?> provision() {
        Provisioner available = provisioner.getIfAvailable();
        if (available == null) {
            return ResponseEntity.status(HttpStatus.CONFLICT)
                    .body(new Problem("schema-service has no migration catalog (dmsflow.catalog.location) to provision from"));
        }
        ProvisionReport report = available.provision();
        return ResponseEntity.status(report.succeeded() ? HttpStatus.OK : HttpStatus.UNPROCESSABLE_CONTENT).body(report);
    }

    record Problem(String error) {
    }
}
