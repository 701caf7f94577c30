package dev.dmsflow.validation.run;

import dev.dmsflow.support.jdbc.JdbcSource;
import dev.dmsflow.validation.check.CheckSettings;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param sampleKeys offending keys reported per failed check
 * @param bucketRows staged rows per key range in the first pass
 * @param fanout     parts a mismatching key range is split into per bisection level
 * @param leafRows   a mismatching range this small is compared key by key
 * @param clockSkew  how far database 1's clock may lag the one that stamps a load's start: changes in a production
 *                   table's change log up to this long before the load started still count as in flight
 * @param confirmDelay wait before looking at production again for staged keys the source deleted after the load that
 *                   production still holds (CDC's delete may be on its way); still there → the SOURCE check fails
 * @param repairKeys differing keys narrowed down per table and check beyond sample-keys; past sample-keys +
 *                   repair-keys differing rows, bisection stops narrowing and counts the others by their row hashes
 *                   (memory and queries bounded whatever the number of differences)
 * @param source     the source database (PostgreSQL or Oracle) for check 5; no source check when its url is not set
 */
@ConfigurationProperties("dmsflow.validation")
record ValidationProperties(@DefaultValue("10") int sampleKeys,
                            @DefaultValue("1000") int bucketRows,
                            @DefaultValue("32") int fanout,
                            @DefaultValue("64") int leafRows,
                            @DefaultValue("PT10S") Duration clockSkew,
                            @DefaultValue("PT2S") Duration confirmDelay,
                            @DefaultValue("10000") int repairKeys,
                            @DefaultValue @NestedConfigurationProperty JdbcSource source) {

    CheckSettings checkSettings() {
        return new CheckSettings(sampleKeys, bucketRows, fanout, leafRows, clockSkew, confirmDelay, repairKeys);
    }
}
