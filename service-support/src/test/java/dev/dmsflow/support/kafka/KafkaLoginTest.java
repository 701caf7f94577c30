package dev.dmsflow.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;

class KafkaLoginTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"dmsflow-merge\" password=\"Pa55-w0rd\";";

    @Test
    void aRefusedSaslLoginNamesTheUserAndTheSettingButNotThePassword() {
        KafkaLogin login = KafkaLogin.of(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", JAAS));

        String message = login.refused(new SaslAuthenticationException("Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512"));

        assertThat(message).startsWith("authentication failed for SASL user 'dmsflow-merge' (SCRAM-SHA-512 over SASL_SSL)")
                .contains("spring.kafka.properties.sasl.jaas.config", "invalid credentials").doesNotContain("Pa55-w0rd");
        assertThat(login.toString()).doesNotContain("Pa55-w0rd");
    }

    @Test
    void aLoginWithoutJaasConfigOrWithAnUnreadableOneHasNoUser() {
        assertThat(KafkaLogin.of(Map.of())).isEqualTo(new KafkaLogin("PLAINTEXT", "GSSAPI", null));
        assertThat(KafkaLogin.of(Map.of("sasl.jaas.config", "not a login module password=\"Pa55-w0rd\"")).user()).isNull();
    }
}
