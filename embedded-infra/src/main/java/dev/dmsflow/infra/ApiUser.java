package dev.dmsflow.infra;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A user of the services' API with a password made up at start (there is no default password): the embedded runner's
 * operator, and the test users {@link #READER}, {@link #RELOADER} and {@link #OPS} that
 * {@link EmbeddedInfrastructureInitializer} configures in every service under test.
 *
 * @param role read, reload or admin
 */
public record ApiUser(String name, String password, String role) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public static final ApiUser READER = generate("reader", "read");
    public static final ApiUser RELOADER = generate("reloader", "reload");
    public static final ApiUser OPS = generate("ops", "admin");
    public static final List<ApiUser> TEST_USERS = List.of(READER, RELOADER, OPS);

    public static ApiUser generate(String name, String role) {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return new ApiUser(name, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), role);
    }

    /** The {@code dmsflow.security.users[n].*} properties that make a service accept these users. */
    public static Map<String, Object> serviceProperties(List<ApiUser> users) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (int i = 0; i < users.size(); i++) {
            ApiUser user = users.get(i);
            properties.put("dmsflow.security.users[" + i + "].name", user.name());
            properties.put("dmsflow.security.users[" + i + "].password", "{noop}" + user.password());
            properties.put("dmsflow.security.users[" + i + "].roles", user.role());
        }
        return properties;
    }

    /** The value of an {@code Authorization} header with this user's HTTP Basic credentials. */
    public String basicAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "ApiUser[name=" + name + ", role=" + role + "]";
    }
}
