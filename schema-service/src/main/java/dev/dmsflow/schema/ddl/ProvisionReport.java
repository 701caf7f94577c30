package dev.dmsflow.schema.ddl;

import java.util.List;

/**
 * What one provisioning run did to each object. A second run over an unchanged catalog and database reports every
 * object UNCHANGED.
 */
public record ProvisionReport(List<Step> steps) {

    public enum Outcome { CREATED, UPDATED, UNCHANGED, FAILED }

    /** @param object the object, e.g. {@code table staging.orders}; @param detail what was done or why it failed (never a secret) */
    public record Step(String object, Outcome outcome, String detail) {
    }

    public ProvisionReport {
        steps = List.copyOf(steps);
    }

    public boolean succeeded() {
        return steps.stream().noneMatch(s -> s.outcome() == Outcome.FAILED);
    }

    public boolean changedNothing() {
        return steps.stream().allMatch(s -> s.outcome() == Outcome.UNCHANGED);
    }

    public List<Step> failures() {
        return steps.stream().filter(s -> s.outcome() == Outcome.FAILED).toList();
    }
}
