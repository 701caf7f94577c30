package dev.dmsflow.merge.window;

/** A merge that cannot succeed however often it is retried: a table or column is missing, a name is not plain. */
public class MergeRejectedException extends RuntimeException {

    public MergeRejectedException(String message) {
        super(message);
    }
}
