package dev.dmsflow.validation.check;

/**
 * The run cannot be validated as described (identifiers that are not plain names, tables or columns that do not exist,
 * an unknown multi-stage definition): retrying cannot help, so it is reported, not retried.
 */
public class InvalidRunException extends RuntimeException {

    public InvalidRunException(String message) {
        super(message);
    }
}
