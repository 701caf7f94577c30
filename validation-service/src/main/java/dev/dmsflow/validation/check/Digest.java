package dev.dmsflow.validation.check;

/** Rows and the sum of their normalised-row hashes in one key range, on each side of a comparison. */
record Digest(long leftRows, long rightRows, long leftHash, long rightHash) {

    boolean matches() {
        return leftRows == rightRows && leftHash == rightHash;
    }

    long rows() {
        return Math.max(leftRows, rightRows);
    }
}
