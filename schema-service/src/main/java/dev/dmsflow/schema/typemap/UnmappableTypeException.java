package dev.dmsflow.schema.typemap;

/** An Oracle column whose type has no exact PostgreSQL counterpart here; the message names the column. */
public class UnmappableTypeException extends RuntimeException {

    public UnmappableTypeException(String message) {
        super(message);
    }
}
