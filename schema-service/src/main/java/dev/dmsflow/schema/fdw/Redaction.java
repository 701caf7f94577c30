package dev.dmsflow.schema.fdw;

import java.util.Optional;

/** Removes a password from text that may echo it (a driver or server message), before the text is logged or returned. */
final class Redaction {

    private final Optional<String> secret;

    Redaction(Optional<String> secret) {
        this.secret = secret.filter(s -> !s.isEmpty());
    }

    String apply(String text) {
        if (text == null || secret.isEmpty()) {
            return text;
        }
        return text.replace(secret.get(), "********");
    }
}
