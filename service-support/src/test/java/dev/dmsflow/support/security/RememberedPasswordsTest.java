package dev.dmsflow.support.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

class RememberedPasswordsTest {

    private final PasswordEncoder real = PasswordEncoderFactories.createDelegatingPasswordEncoder();
    private final AtomicInteger checks = new AtomicInteger();
    private final AtomicLong now = new AtomicLong();
    private final PasswordEncoder counting = new PasswordEncoder() {
        @Override
        public String encode(CharSequence rawPassword) {
            return real.encode(rawPassword);
        }

        @Override
        public boolean matches(CharSequence rawPassword, String encodedPassword) {
            checks.incrementAndGet();
            return real.matches(rawPassword, encodedPassword);
        }

        @Override
        public boolean upgradeEncoding(String encodedPassword) {
            return real.upgradeEncoding(encodedPassword);
        }
    };
    private final RememberedPasswords passwords = new RememberedPasswords(counting, Duration.ofMinutes(5), now::get);
    private final String encoded = real.encode("s3cret-Password");

    @Test
    void aMatchIsRememberedUntilItsTimeIsUp() {
        assertThat(passwords.matches("s3cret-Password", encoded)).isTrue();
        now.addAndGet(Duration.ofMinutes(4).toNanos());
        assertThat(passwords.matches("s3cret-Password", encoded)).isTrue();
        assertThat(checks).hasValue(1);

        now.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(passwords.matches("s3cret-Password", encoded)).isTrue();
        assertThat(checks).as("checked again once forgotten").hasValue(2);
    }

    @Test
    void aWrongPasswordIsCheckedEveryTimeAndNeverMatches() {
        assertThat(passwords.matches("s3cret-Password", encoded)).isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(passwords.matches("s3cret-Passwort", encoded)).isFalse();
        }
        assertThat(checks).hasValue(4);
    }

    @Test
    void aChangedPasswordMatchesNothingRemembered() {
        String changed = real.encode("new-Password-2");
        assertThat(passwords.matches("s3cret-Password", encoded)).isTrue();
        assertThat(passwords.matches("s3cret-Password", changed)).isFalse();
        assertThat(passwords.matches("new-Password-2", changed)).isTrue();
        assertThat(checks).hasValue(3);
    }

    @Test
    void aZeroTimeChecksEveryCall() {
        RememberedPasswords everyCall = new RememberedPasswords(counting, Duration.ZERO, now::get);
        assertThat(everyCall.matches("s3cret-Password", encoded)).isTrue();
        assertThat(everyCall.matches("s3cret-Password", encoded)).isTrue();
        assertThat(checks).hasValue(2);
    }

    @Test
    void encodesAndUpgradesAsItsDelegate() {
        assertThat(passwords.encode("x")).startsWith("{bcrypt}");
        assertThat(passwords.upgradeEncoding("{noop}x")).isTrue();
        assertThat(passwords.upgradeEncoding(encoded)).isFalse();
    }
}
