package dev.dmsflow.validation.check;

/**
 * Tuning of the checks.
 *
 * @param sampleKeys offending keys reported per check
 * @param bucketRows staged rows per key range in the first pass (its digests are what bisection starts from)
 * @param fanout     parts a mismatching range is split into per bisection level
 * @param leafRows   a mismatching range this small is listed key by key instead of split further
 */
public record CheckSettings(int sampleKeys, int bucketRows, int fanout, int leafRows) {

    public CheckSettings {
        if (sampleKeys < 0 || bucketRows < 1 || fanout < 2 || leafRows < 1) {
            throw new IllegalArgumentException("sampleKeys >= 0, bucketRows >= 1, fanout >= 2 and leafRows >= 1 required");
        }
    }
}
