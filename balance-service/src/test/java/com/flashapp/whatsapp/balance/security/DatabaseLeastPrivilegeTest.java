package com.flashapp.whatsapp.balance.security;

import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.sql.DriverManager;
import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * balance-service's own PostgreSQL role (deploy/local/infra.sh), with the credentials the application itself uses:
 * it owns its database, and may not even connect to another service's (CONNECT is revoked from PUBLIC there).
 */
@QuarkusTest
class DatabaseLeastPrivilegeTest {

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String ownUrl;
    @ConfigProperty(name = "quarkus.datasource.username")
    String username;
    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    @Test
    void ownsItsOwnDatabase() throws SQLException {
        assertEquals("balance_service", username, "the test profile should use balance-service's own role");
        try (var c = DriverManager.getConnection(ownUrl, username, password);
             var rs = c.createStatement().executeQuery(
                     "select pg_get_userbyid(datdba) = current_user from pg_database where datname = current_database()")) {
            assertTrue(rs.next() && rs.getBoolean(1), "balance_service should own " + ownUrl);
        }
    }

    @Test
    void cannotConnectToAnotherServicesDatabase() {
        for (var database : new String[] {"notification", "notification_test", "command_test", "ai_support_test"}) {
            var url = ownUrl.substring(0, ownUrl.lastIndexOf('/') + 1) + database;
            var refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(url, username, password)
                    .close(), database);
            assertEquals("42501", refused.getSQLState(), database + ": " + refused.getMessage()); // insufficient privilege
        }
    }
}
