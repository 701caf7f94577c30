package dev.dmsflow.support.security;

import java.util.Collection;
import java.util.List;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The API's roles: {@value #READ} reads runs, leases, validations and drift; {@value #RELOAD} also starts, retries and
 * stops runs; {@value #ADMIN} also provisions schemas and releases leases.
 */
public final class Roles {

    static final String READ = "read";
    static final String RELOAD = "reload";
    /** The only role that sees business data in answers (a validation's differing values). */
    public static final String ADMIN = "admin";
    static final List<String> ALL = List.of(READ, RELOAD, ADMIN);

    private static final RoleHierarchy HIERARCHY = RoleHierarchyImpl.withDefaultRolePrefix()
            .role(ADMIN).implies(RELOAD)
            .role(RELOAD).implies(READ)
            .build();

    private Roles() {
    }

    /**
     * The authorities of a user with these roles, implied roles included: expanded once at authentication, so every
     * check (URL rules, Actuator's health details) sees them without knowing the hierarchy.
     */
    static Collection<? extends GrantedAuthority> authorities(Collection<? extends GrantedAuthority> granted) {
        return HIERARCHY.getReachableGrantedAuthorities(granted);
    }

    static Collection<? extends GrantedAuthority> authoritiesOf(Collection<String> roles) {
        return authorities(roles.stream().map(role -> new SimpleGrantedAuthority("ROLE_" + role)).toList());
    }
}
