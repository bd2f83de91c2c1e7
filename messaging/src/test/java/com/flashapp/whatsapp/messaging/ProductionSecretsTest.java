package com.flashapp.whatsapp.messaging;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The start-up check's parts; each packaged service's refusal is proved by e2e's ProductionSecretsIT. */
class ProductionSecretsTest {

    @Test
    void aDeclarationNamesAVariableAndAPropertyOrEveryPropertyUnderAPrefix() {
        var db = ProductionSecrets.Secret.parse("DB_PASSWORD=quarkus.datasource.password");
        assertTrue(db.covers("quarkus.datasource.password"));
        assertFalse(db.covers("quarkus.datasource.password2"));
        assertEquals("DB_PASSWORD", db.variableOf("quarkus.datasource.password"));

        var keys = ProductionSecrets.Secret.parse("BALANCE_CRYPTO_KEYS_*=balance.crypto.keys.*");
        assertTrue(keys.covers("balance.crypto.keys.k1"));
        assertTrue(keys.covers("BALANCE_CRYPTO_KEYS_K2"), "as an environment variable");
        assertFalse(keys.covers("balance.crypto.active-key-id"));
        assertEquals("BALANCE_CRYPTO_KEYS_K1", keys.variableOf("balance.crypto.keys.k1"));
        assertEquals("BALANCE_CRYPTO_KEYS_K2", keys.variableOf("BALANCE_CRYPTO_KEYS_K2"));

        assertThrows(IllegalArgumentException.class, () -> ProductionSecrets.Secret.parse("DB_PASSWORD"));
        assertThrows(IllegalArgumentException.class, () -> ProductionSecrets.Secret.parse("=x"));
    }

    @Test
    void aMissingOrDevelopmentValueIsNamedAndAStrongOneIsNot() {
        var offending = ProductionSecrets.offending(
                Map.of("DB_PASSWORD", "flash", "RABBITMQ_PASSWORD", "", "TWILIO_AUTH_TOKEN", "a1b2c3d4e5f6"),
                Set.of("flash", "guest"));
        assertEquals(Set.of("DB_PASSWORD", "RABBITMQ_PASSWORD"), offending);
    }

    @Test
    void developmentValuesAreWhatAProfileGivesASecretInThePackagedFiles() {
        // this module's own defaults: %dev,test,local.rabbitmq-password=${RABBITMQ_PASSWORD:guest}
        var values = ProductionSecrets.developmentValues(
                List.of(ProductionSecrets.Secret.parse(ProductionSecrets.BROKER_PASSWORD)),
                "META-INF/microprofile-config.properties");
        assertTrue(values.contains("guest"), values.toString());
        assertFalse(values.contains(""), "a production value with no default is not a development value");
    }
}
