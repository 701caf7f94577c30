package dev.dmsflow.schema.fdw;

import dev.dmsflow.contracts.catalog.MultiStageDefinition.ForeignServer;
import java.util.Optional;

/**
 * Where the password of a foreign server's user mapping comes from: configuration first, then the environment
 * variable the catalog names. Implementations never log what they return.
 */
@FunctionalInterface
public interface FdwPasswords {

    /** The password, empty when the server needs none (the remote trusts the connection). */
    Optional<String> password(ForeignServer server);
}
