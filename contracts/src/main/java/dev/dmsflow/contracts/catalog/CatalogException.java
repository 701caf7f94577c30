package dev.dmsflow.contracts.catalog;

import java.util.List;

/** A catalog that cannot be used; the message names the file, each bad entry and what is wrong with it. */
public class CatalogException extends RuntimeException {

    private final List<String> problems;

    public CatalogException(String location, List<String> problems) {
        super("Invalid migration catalog " + location + ":\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public CatalogException(String location, String problem, Throwable cause) {
        super("Invalid migration catalog " + location + ": " + problem, cause);
        this.problems = List.of(problem);
    }

    public List<String> problems() {
        return problems;
    }
}
