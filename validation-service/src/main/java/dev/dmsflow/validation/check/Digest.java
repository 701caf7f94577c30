package dev.dmsflow.validation.check;

/**
 * Rows and the sum of their normalised-row hashes in one key range, on each side of a comparison.
 *
 * @param differing rows known to differ: exact where both sides' rows are hashed side by side (staging against
 *                  production, up to hash collisions), otherwise at least one when the digests do not match
 */
record Digest(long leftRows, long rightRows, long leftHash, long rightHash, long differing) {

    /** Sides whose rows cannot be compared one by one: a mismatch means at least one differing row. */
    Digest(long leftRows, long rightRows, long leftHash, long rightHash) {
        this(leftRows, rightRows, leftHash, rightHash, leftRows == rightRows && leftHash == rightHash ? 0 : 1);
    }

    boolean matches() {
        return leftRows == rightRows && leftHash == rightHash && differing == 0;
    }

    long rows() {
        return Math.max(leftRows, rightRows);
    }
}
