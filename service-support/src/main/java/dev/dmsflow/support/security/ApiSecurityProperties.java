package dev.dmsflow.support.security;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may call a service's API. With neither users nor a JWT issuer ({@code spring.security.oauth2.resourceserver.jwt.*})
 * every API call is refused with 401: there is no default password.
 *
 * @param users HTTP Basic users, e.g. {@code dmsflow.security.users[0].name=ops}, {@code ...password={bcrypt}$2a$10$...},
 *              {@code ...roles=admin}
 * @param jwt   how a bearer token's claims map to a user when a JWT issuer or JWK set is configured
 * @param passwordCheckTtl how long a user's password, once it matched, is taken as matching again without its
 *              encoder's check (bcrypt at cost 10 takes ~70 ms of CPU per call by design); {@code 0s} checks every call
 */
@ConfigurationProperties("dmsflow.security")
public record ApiSecurityProperties(List<User> users, @DefaultValue Jwt jwt, @DefaultValue("5m") Duration passwordCheckTtl) {

    public ApiSecurityProperties {
        users = users == null ? List.of() : List.copyOf(users);
    }

    /**
     * @param name     the user name; it becomes {@code requestedBy} of the user's reload requests
     * @param password encoded with its encoder's id: {@code {bcrypt}$2a$10$...} or {@code {noop}plain}; set it from the
     *                 environment ({@code DMSFLOW_SECURITY_USERS_0_PASSWORD}) or a file ({@code ..._PASSWORD_FILE})
     * @param roles    any of {@code read}, {@code reload}, {@code admin} ({@code admin} implies {@code reload}, which implies {@code read})
     */
    public record User(String name, String password, List<String> roles) {

        public User {
            roles = roles == null ? List.of() : List.copyOf(roles);
        }

        @Override
        public String toString() {
            return "User[name=" + name + ", password=******, roles=" + roles + "]";
        }
    }

    /**
     * @param rolesClaim     the top-level claim holding the caller's roles, a list or a space-separated string
     * @param principalClaim the claim naming the caller (its {@code requestedBy})
     */
    public record Jwt(@DefaultValue("roles") String rolesClaim, @DefaultValue("sub") String principalClaim) {
    }
}
