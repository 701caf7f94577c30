package dev.dmsflow.validation.check;

/**
 * A half-open range {@code [lo, hi)} of the leading key column, bounds in PostgreSQL's text form of the key's type;
 * a null bound is unbounded.
 */
record KeyRange(String lo, String hi) {
}
