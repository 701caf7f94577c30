package dev.dmsflow.support.security;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.dmsflow.infra.DmsflowInfrastructure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Every API endpoint of every service (stand-ins at the same paths) against every role, with HTTP Basic and with
 * bearer tokens signed by a test key whose JWK set a WireMock stub serves; Actuator on the management port; no
 * configured password in /actuator/env, /actuator/configprops or the log.
 */
@SpringBootTest(classes = ApiSecurityIT.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.application.name=api-security-it",
        "dmsflow.security.users[0].name=reader",
        "dmsflow.security.users[0].password={noop}" + ApiSecurityIT.READER_PASSWORD,
        "dmsflow.security.users[0].roles=read",
        "dmsflow.security.users[1].name=reloader",
        "dmsflow.security.users[1].password={noop}" + ApiSecurityIT.RELOADER_PASSWORD,
        "dmsflow.security.users[1].roles=reload",
        "dmsflow.security.users[2].name=ops",
        // bcrypt (cost 4, to keep the test fast) of ApiSecurityIT.ADMIN_PASSWORD
        "dmsflow.security.users[2].password={bcrypt}$2a$04$P4TPDwEsj1IH1IS3pDoIH.1UC1fAzHITGQ9BDflcQ2FEwY2WvpXJy",
        "dmsflow.security.users[2].roles=admin"})
@ExtendWith(OutputCaptureExtension.class)
class ApiSecurityIT {

    static final String READER_PASSWORD = "reader-Secret-4711";
    static final String RELOADER_PASSWORD = "reloader-Secret-4712";
    static final String ADMIN_PASSWORD = "admin-Secret-4713";
    static final String DATABASE_PASSWORD = "database-Secret-4714";
    static final List<String> SECRETS = List.of(READER_PASSWORD, RELOADER_PASSWORD, ADMIN_PASSWORD, DATABASE_PASSWORD);

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final RSAKey KEY = rsaKey();
    static final RSAKey OTHER_KEY = rsaKey();
    static final WireMockServer ISSUER = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    @DynamicPropertySource
    static void jwkSet(DynamicPropertyRegistry registry) throws IOException, InterruptedException {
        if (!ISSUER.isRunning()) {
            ISSUER.start();
            ISSUER.stubFor(get("/jwks").willReturn(okJson(new JWKSet(KEY.toPublicJWK()).toString())));
            // a cold stub can miss the decoder's first fetch's 500 ms read timeout on a busy machine
            send(ISSUER.port(), "GET", "/jwks", null);
        }
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", () -> ISSUER.baseUrl() + "/jwks");
        // the shared infrastructure, without EmbeddedInfrastructureInitializer's test users: this test has its own
        DmsflowInfrastructure.shared().serviceProperties().forEach((key, value) -> registry.add(key, () -> value));
        // the embedded server trusts local connections, so any password connects; this one must show up nowhere
        registry.add("spring.datasource.password", () -> DATABASE_PASSWORD);
    }

    @AfterAll
    static void stopIssuer() {
        ISSUER.stop();
    }

    @SpringBootApplication
    static class App {
        // a test's nested classes are not scanned
        @Bean
        Endpoints endpoints() {
            return new Endpoints();
        }
    }

    /** Stand-ins for the services' endpoints: the rules are path rules, shared by all four. */
    @RestController
    static class Endpoints {
        @GetMapping({"/api/runs/{id}", "/api/leases", "/api/validations/{id}", "/api/drift", "/console/runs.html"})
        Map<String, String> read(Principal principal) {
            return Map.of("principal", principal.getName());
        }

        @PostMapping({"/api/reloads", "/api/runs/{id}/retry", "/api/runs/{id}/stop", "/api/provision"})
        Map<String, String> write(Principal principal) {
            return Map.of("principal", principal.getName());
        }

        @DeleteMapping("/api/leases/{table}")
        Map<String, String> release(Principal principal) {
            return Map.of("principal", principal.getName());
        }
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    PasswordEncoder passwordEncoder;

    enum Caller {
        ANONYMOUS(null), READ(Roles.READ), RELOAD(Roles.RELOAD), ADMIN(Roles.ADMIN);

        final String role;

        Caller(String role) {
            this.role = role;
        }

        /** Whether this caller's role is or implies {@code needed}. */
        boolean has(String needed) {
            return role != null && Roles.ALL.indexOf(role) >= Roles.ALL.indexOf(needed);
        }
    }

    record Endpoint(String method, String path, String role) {
    }

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/api/runs/r-1", Roles.READ),
            new Endpoint("GET", "/api/leases", Roles.READ),
            new Endpoint("GET", "/api/validations/r-1", Roles.READ),
            new Endpoint("GET", "/api/drift", Roles.READ),
            new Endpoint("GET", "/console/runs.html", Roles.READ),
            new Endpoint("POST", "/api/reloads", Roles.RELOAD),
            new Endpoint("POST", "/api/runs/r-1/retry", Roles.RELOAD),
            new Endpoint("POST", "/api/runs/r-1/stop", Roles.RELOAD),
            new Endpoint("POST", "/api/provision", Roles.ADMIN),
            new Endpoint("DELETE", "/api/leases/staging.orders", Roles.ADMIN));

    static Stream<Object[]> cases() {
        List<Object[]> cases = new ArrayList<>();
        for (Endpoint endpoint : ENDPOINTS) {
            for (Caller caller : Caller.values()) {
                for (String scheme : List.of("Basic", "Bearer")) {
                    int expected = caller == Caller.ANONYMOUS ? 401 : caller.has(endpoint.role()) ? 200 : 403;
                    cases.add(new Object[] {endpoint.method(), endpoint.path(), caller, scheme, expected});
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} as {2} ({3}) -> {4}")
    @MethodSource("cases")
    void everyEndpointAnswersEveryRoleAsTheTableSays(String method, String path, Caller caller, String scheme, int expected) throws Exception {
        String authorization = caller == Caller.ANONYMOUS ? null : scheme.equals("Basic") ? basic(caller) : bearer(caller.role, KEY);
        HttpResponse<String> response = send(port, method, path, authorization);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
        if (expected == 200) {
            assertThat(response.body()).contains("\"principal\":\"" + principal(caller, scheme) + "\"");
        } else {
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
            assertThat(response.body()).startsWith("{\"error\":\"").endsWith("\"status\":" + expected + "}");
        }
    }

    @Test
    void wrongCredentialsAndForeignTokensAreUnauthorized() throws Exception {
        String wrongPassword = "Basic " + Base64.getEncoder().encodeToString("ops:not-the-password".getBytes(StandardCharsets.UTF_8));
        assertThat(send(port, "GET", "/api/leases", wrongPassword).statusCode()).isEqualTo(401);
        assertThat(send(port, "GET", "/api/leases", bearer(Roles.ADMIN, OTHER_KEY)).statusCode()).isEqualTo(401);
        HttpResponse<String> garbage = send(port, "GET", "/api/leases", "Bearer not-a-token");
        assertThat(garbage.statusCode()).isEqualTo(401);
        assertThat(garbage.body()).isEqualTo("{\"error\":\"the credentials or the token were not accepted\",\"status\":401}");
    }

    /** Each user's password is checked once (bcrypt for ops), then remembered; a wrong one after it is still refused. */
    @Test
    void aPasswordThatMatchedIsRememberedAndAWrongOneStillRefused() throws Exception {
        assertThat(passwordEncoder).isInstanceOf(RememberedPasswords.class);
        for (int i = 0; i < 3; i++) {
            assertThat(send(port, "GET", "/api/leases", basic(Caller.ADMIN)).statusCode()).isEqualTo(200);
        }
        String wrongPassword = "Basic " + Base64.getEncoder().encodeToString(("ops:" + ADMIN_PASSWORD + "x").getBytes(StandardCharsets.UTF_8));
        assertThat(send(port, "GET", "/api/leases", wrongPassword).statusCode()).isEqualTo(401);
        assertThat(send(port, "GET", "/api/leases", basic(Caller.ADMIN)).statusCode()).isEqualTo(200);
    }

    @Test
    void unmappedRequestsAreRefused() throws Exception {
        assertThat(send(port, "PUT", "/api/reloads", null).statusCode()).isEqualTo(401);
        assertThat(send(port, "PUT", "/api/reloads", basic(Caller.ADMIN)).statusCode()).isEqualTo(403);
        // Actuator lives on the management port only
        assertThat(send(port, "GET", "/actuator/health", basic(Caller.ADMIN)).statusCode()).isIn(403, 404);
    }

    @Test
    void healthShowsItsStatusToAnyoneAndItsComponentsToReaders() throws Exception {
        HttpResponse<String> anonymous = send(managementPort, "GET", "/actuator/health", null);
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(anonymous.body()).contains("\"status\":\"UP\"").doesNotContain("components", "db", "kafka");

        HttpResponse<String> reader = send(managementPort, "GET", "/actuator/health", basic(Caller.READ));
        assertThat(reader.body()).contains("\"components\"", "\"db\"", "\"kafka\"");
        assertThat(send(managementPort, "GET", "/actuator/health", bearer(Roles.ADMIN, KEY)).body()).contains("\"components\"");

        for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
            assertThat(send(managementPort, "GET", probe, null).statusCode()).as(probe).isEqualTo(200);
        }
        for (String probe : List.of("/livez", "/readyz")) {
            assertThat(send(port, "GET", probe, null).statusCode()).as(probe + " on the API port").isEqualTo(200);
        }
        assertThat(send(managementPort, "GET", "/actuator/prometheus", null).body()).contains("application=\"api-security-it\"");
    }

    @Test
    void noConfiguredPasswordLeavesThroughActuatorOrTheLog(CapturedOutput output) throws Exception {
        for (String endpoint : List.of("/actuator/env", "/actuator/configprops")) {
            assertThat(send(managementPort, "GET", endpoint, null).statusCode()).as(endpoint).isEqualTo(401);
            assertThat(send(managementPort, "GET", endpoint, basic(Caller.RELOAD)).statusCode()).as(endpoint).isEqualTo(403);
            HttpResponse<String> response = send(managementPort, "GET", endpoint, basic(Caller.ADMIN));
            assertThat(response.statusCode()).as(endpoint).isEqualTo(200);
            assertThat(response.body()).as(endpoint).contains("spring.datasource", "dmsflow.security");
            SECRETS.forEach(secret -> assertThat(response.body()).as(endpoint).doesNotContain(secret));
        }
        // a failed login is logged by nobody with its password either
        send(port, "GET", "/api/leases", "Basic " + Base64.getEncoder().encodeToString(("ops:" + DATABASE_PASSWORD).getBytes(StandardCharsets.UTF_8)));
        // and Boot made up no default user of its own
        assertThat(output.getAll()).contains("Tomcat started").doesNotContain("Using generated security password");
        SECRETS.forEach(secret -> assertThat(output.getAll()).doesNotContain(secret));
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    static String principal(Caller caller, String scheme) {
        return scheme.equals("Basic") ? user(caller) : "jwt-" + caller.role;
    }

    static String user(Caller caller) {
        return switch (caller) {
            case READ -> "reader";
            case RELOAD -> "reloader";
            case ADMIN -> "ops";
            case ANONYMOUS -> throw new IllegalArgumentException("anonymous has no user");
        };
    }

    static String basic(Caller caller) {
        String password = switch (caller) {
            case READ -> READER_PASSWORD;
            case RELOAD -> RELOADER_PASSWORD;
            case ADMIN -> ADMIN_PASSWORD;
            case ANONYMOUS -> throw new IllegalArgumentException("anonymous has no password");
        };
        return "Basic " + Base64.getEncoder().encodeToString((user(caller) + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static String bearer(String role, RSAKey key) throws JOSEException {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("jwt-" + role).claim("roles", List.of(role))
                .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(300))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return "Bearer " + jwt.serialize();
    }

    static HttpResponse<String> send(int port, String method, String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, method.equals("POST") || method.equals("PUT")
                        ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody())
                .header("Content-Type", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static RSAKey rsaKey() {
        try {
            return new RSAKeyGenerator(2048).keyID("test-" + System.nanoTime()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
