package dev.dmsflow.support.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * One security setup for every service's API and Actuator: who may call which endpoint (see {@link Roles}), HTTP Basic
 * users from {@code dmsflow.security.users}, bearer tokens when a JWT issuer or JWK set is configured
 * ({@code spring.security.oauth2.resourceserver.jwt.issuer-uri} or {@code jwk-set-uri}), and JSON 401/403 bodies.
 * Stateless, so CSRF protection (which guards cookie sessions) is off.
 */
@AutoConfiguration(before = {ServletWebSecurityAutoConfiguration.class, ManagementWebSecurityAutoConfiguration.class,
        UserDetailsServiceAutoConfiguration.class, OAuth2ResourceServerAutoConfiguration.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(ApiSecurityProperties.class)
public class ApiSecurityAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ApiSecurityAutoConfiguration.class);
    private static final Pattern ENCODED = Pattern.compile("^\\{[a-zA-Z0-9_-]+}.+");

    @Bean
    SecurityFilterChain dmsflowApiSecurity(HttpSecurity http, ObjectProvider<JwtDecoder> jwtDecoder, ApiSecurityProperties properties)
            throws Exception {
        JwtDecoder decoder = jwtDecoder.getIfAvailable();
        JsonSecurityErrors errors = new JsonSecurityErrors(decoder != null);
        http.csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .httpBasic(basic -> basic.authenticationEntryPoint(errors))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(errors).accessDeniedHandler(errors))
                .authorizeHttpRequests(requests -> requests
                        // status to anyone, details to read (management.endpoint.health.show-details=when-authorized)
                        .requestMatchers(EndpointRequest.to("health", "info", "prometheus")).permitAll()
                        .requestMatchers(EndpointRequest.toAnyEndpoint()).hasRole(Roles.ADMIN)
                        // the probes on the API port (management.endpoint.health.probes.add-additional-paths)
                        .requestMatchers("/livez", "/readyz", "/error").permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/reloads", "/api/runs/*/retry", "/api/runs/*/stop",
                                "/api/runs/*/repair").hasRole(Roles.RELOAD)
                        .requestMatchers(HttpMethod.POST, "/api/provision").hasRole(Roles.ADMIN)
                        .requestMatchers(HttpMethod.DELETE, "/api/leases/**").hasRole(Roles.ADMIN)
                        .requestMatchers(HttpMethod.GET, "/api/**").hasRole(Roles.READ)
                        // ops-console's pages (HTML, CSS, JavaScript): they show what its read API answers
                        .requestMatchers(HttpMethod.GET, "/console/**").hasRole(Roles.READ)
                        // an endpoint not named above is refused until it is given a role here
                        .anyRequest().denyAll());
        if (decoder != null) {
            http.oauth2ResourceServer(resourceServer -> resourceServer
                    .authenticationEntryPoint(errors)
                    .accessDeniedHandler(errors)
                    .jwt(jwt -> jwt.decoder(decoder).jwtAuthenticationConverter(jwtAuthenticationConverter(properties.jwt()))));
        }
        if (decoder == null && properties.users().isEmpty()) {
            log.warn("No API users (dmsflow.security.users) and no JWT issuer (spring.security.oauth2.resourceserver.jwt.issuer-uri "
                    + "or jwk-set-uri): every API call is refused with 401");
        }
        return http.build();
    }

    @Bean
    InMemoryUserDetailsManager dmsflowApiUsers(ApiSecurityProperties properties) {
        List<UserDetails> users = new ArrayList<>();
        List<ApiSecurityProperties.User> configured = properties.users();
        for (int i = 0; i < configured.size(); i++) {
            ApiSecurityProperties.User user = configured.get(i);
            String property = "dmsflow.security.users[" + i + "]";
            require(user.name() != null && !user.name().isBlank(), property + ".name: name the user");
            require(user.password() != null && ENCODED.matcher(user.password()).matches(), property + ".password (of "
                    + user.name() + "): give it with its encoder, {bcrypt}$2a$... or {noop}..., from the environment or a file");
            require(!user.roles().isEmpty() && Roles.ALL.containsAll(user.roles()), property + ".roles (of " + user.name()
                    + "): " + user.roles() + "; give one or more of " + Roles.ALL);
            users.add(User.withUsername(user.name()).password(user.password()).authorities(Roles.authoritiesOf(user.roles())).build());
        }
        return new InMemoryUserDetailsManager(users);
    }

    /**
     * The users' passwords are checked by their encoder id ({@code {bcrypt}}, {@code {noop}}, ...), and a match is
     * remembered for {@code dmsflow.security.password-check-ttl} (see {@link RememberedPasswords}).
     */
    @Bean
    PasswordEncoder dmsflowPasswordEncoder(ApiSecurityProperties properties) {
        return new RememberedPasswords(PasswordEncoderFactories.createDelegatingPasswordEncoder(), properties.passwordCheckTtl(),
                System::nanoTime);
    }

    /**
     * Values of likely secrets stay masked in /actuator/env and /actuator/configprops even where values are shown;
     * "password" anywhere in the key also covers maps of them (dmsflow.schema.fdw-passwords.db2), "jaas" Kafka's SASL login.
     */
    @Bean
    SanitizingFunction dmsflowSecretSanitizer() {
        return SanitizingFunction.sanitizeValue().ifLikelySensitive().ifKeyContains("password", "secret", "jaas");
    }

    private static JwtAuthenticationConverter jwtAuthenticationConverter(ApiSecurityProperties.Jwt settings) {
        JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
        roles.setAuthoritiesClaimName(settings.rolesClaim());
        roles.setAuthorityPrefix("ROLE_");
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(jwt -> {
            Collection<GrantedAuthority> granted = roles.convert(jwt);
            return new ArrayList<>(Roles.authorities(granted == null ? List.of() : granted));
        });
        converter.setPrincipalClaimName(settings.principalClaim());
        return converter;
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalStateException(problem);
        }
    }
}
