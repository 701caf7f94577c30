package dev.dmsflow.validation.check;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A half-open range {@code [lo, hi)} of the leading key column, bounds in PostgreSQL's text form of the key's type;
 * a null bound is unbounded.
 */
public record KeyRange(String lo, String hi) {

    /** The ranges, in ascending key order, with each run of adjacent ones (one's hi the next's lo) made one. */
    static List<KeyRange> joined(Collection<KeyRange> ascending) {
        List<KeyRange> joined = new ArrayList<>();
        for (KeyRange range : ascending) {
            KeyRange last = joined.isEmpty() ? null : joined.get(joined.size() - 1);
            if (last != null && last.hi() != null && Objects.equals(last.hi(), range.lo())) {
                joined.set(joined.size() - 1, new KeyRange(last.lo(), range.hi()));
            } else {
                joined.add(range);
            }
        }
        return joined;
    }
}
