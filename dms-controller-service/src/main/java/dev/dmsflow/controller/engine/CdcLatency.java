package dev.dmsflow.controller.engine;

/**
 * How far a replicating task's change data capture lags, as AWS DMS reports it.
 *
 * @param sourceSeconds CDCLatencySource: between the last change captured from the source and now
 * @param targetSeconds CDCLatencyTarget: between the oldest change not yet committed on the target and now
 */
public record CdcLatency(Long sourceSeconds, Long targetSeconds) {
}
