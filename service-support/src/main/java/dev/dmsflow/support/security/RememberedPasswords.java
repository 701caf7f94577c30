package dev.dmsflow.support.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Checks passwords as its delegate does, and remembers for a while the ones that matched. HTTP Basic sends the password
 * with every call, and bcrypt (cost 10) takes about 70 ms of CPU by design (Spring Security also re-encodes a {@code {noop}}
 * user's password as bcrypt at its first login): a console polling the API, or a client posting a hundred reloads, kept
 * a core busy with password checks alone. A remembered match is an HMAC, under a key drawn at start and never stored,
 * of the encoded password and the one presented, so what is remembered holds no password; a changed password (a new
 * encoded form) matches nothing remembered, and only a password that matched is remembered, so a wrong one always
 * pays the full check.
 */
final class RememberedPasswords implements PasswordEncoder {

    /** Beyond this many remembered matches the expired ones are dropped, and all of them if none had expired. */
    private static final int MAX_REMEMBERED = 10_000;

    private final PasswordEncoder delegate;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final SecretKeySpec key;
    /** HMAC of (encoded, presented) → when the match is forgotten (nanoTime). */
    private final Map<String, Long> remembered = new ConcurrentHashMap<>();

    /** @param ttl how long a match is remembered; zero remembers none */
    RememberedPasswords(PasswordEncoder delegate, Duration ttl, LongSupplier nanoTime) {
        this.delegate = delegate;
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    @Override
    public String encode(CharSequence rawPassword) {
        return delegate.encode(rawPassword);
    }

    @Override
    public boolean matches(CharSequence rawPassword, String encodedPassword) {
        if (ttlNanos <= 0 || rawPassword == null || encodedPassword == null) {
            return delegate.matches(rawPassword, encodedPassword);
        }
        String match = mac(encodedPassword, rawPassword);
        long now = nanoTime.getAsLong();
        Long forgetAt = remembered.get(match);
        if (forgetAt != null && now - forgetAt < 0) {
            return true;
        }
        if (!delegate.matches(rawPassword, encodedPassword)) {
            return false;
        }
        if (remembered.size() >= MAX_REMEMBERED) {
            remembered.values().removeIf(at -> now - at >= 0);
            if (remembered.size() >= MAX_REMEMBERED) {
                remembered.clear();
            }
        }
        remembered.put(match, now + ttlNanos);
        return true;
    }

    @Override
    public boolean upgradeEncoding(String encodedPassword) {
        return delegate.upgradeEncoding(encodedPassword);
    }

    private String mac(String encodedPassword, CharSequence rawPassword) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] encoded = encodedPassword.getBytes(StandardCharsets.UTF_8);
            // its length first: no two (encoded, presented) pairs give the same input
            mac.update(ByteBuffer.allocate(Integer.BYTES).putInt(encoded.length).array());
            mac.update(encoded);
            return Base64.getEncoder().encodeToString(mac.doFinal(rawPassword.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
