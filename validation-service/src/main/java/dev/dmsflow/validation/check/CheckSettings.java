package dev.dmsflow.validation.check;

import java.time.Duration;

/**
 * Tuning of the checks.
 *
 * @param sampleKeys offending keys reported per check
 * @param bucketRows staged rows per key range in the first pass (its digests are what bisection starts from)
 * @param fanout     parts a mismatching range is split into per bisection level
 * @param leafRows   a mismatching range this small is listed key by key instead of split further
 * @param clockSkew  how far database 1's clock (the change log's times) may be behind the clock that stamped the load's
 *                   start: changes logged up to this long before the load start still count as in flight
 * @param confirmDelay how long to wait before looking again at production for staged keys the source deleted after
 *                   the load read them but production still holds: CDC may not have applied the delete yet
 * @param repairKeys differing keys narrowed down per table and check beyond {@code sampleKeys}: a bisection stops
 *                   narrowing once the first mismatching ranges hold {@code sampleKeys + repairKeys} differing rows,
 *                   so that memory and queries stay bounded whatever the number of differences
 */
public record CheckSettings(int sampleKeys, int bucketRows, int fanout, int leafRows, Duration clockSkew, Duration confirmDelay, int repairKeys) {

    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CONFIRM_DELAY = Duration.ofSeconds(2);
    public static final int DEFAULT_REPAIR_KEYS = 10_000;

    public CheckSettings {
        if (sampleKeys < 0 || bucketRows < 1 || fanout < 2 || leafRows < 1 || repairKeys < 0 || sampleKeys + repairKeys < 1) {
            throw new IllegalArgumentException("sampleKeys >= 0, bucketRows >= 1, fanout >= 2, leafRows >= 1, repairKeys >= 0"
                    + " and sampleKeys + repairKeys >= 1 required");
        }
        if (clockSkew == null || clockSkew.isNegative() || confirmDelay == null || confirmDelay.isNegative()) {
            throw new IllegalArgumentException("clockSkew and confirmDelay must not be negative");
        }
    }

    /** With the default clock-skew allowance, confirm delay and repair keys. */
    public CheckSettings(int sampleKeys, int bucketRows, int fanout, int leafRows) {
        this(sampleKeys, bucketRows, fanout, leafRows, DEFAULT_CLOCK_SKEW, DEFAULT_CONFIRM_DELAY, DEFAULT_REPAIR_KEYS);
    }

    /** The same without a confirm pass: for tables no CDC writes into, whose differences are not on their way. */
    CheckSettings withoutConfirmDelay() {
        return new CheckSettings(sampleKeys, bucketRows, fanout, leafRows, clockSkew, Duration.ZERO, repairKeys);
    }

    /** Differing rows a bisection narrows down to their keys: the rows of the ranges after them are only counted. */
    int keptKeys() {
        return sampleKeys + repairKeys;
    }
}
