package dev.dmsflow.schema.ddl;

/** An object that cannot be provisioned as the catalog asks; the message says which and why, never a secret. */
public class ProvisionException extends RuntimeException {

    public ProvisionException(String message) {
        super(message);
    }
}
