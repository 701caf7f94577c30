package dev.dmsflow.controller.engine;

/** The engine refused or failed a call; {@code retryable} when trying again later may work. */
public class EngineException extends RuntimeException {

    private final boolean retryable;

    public EngineException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
