package com.flashapp.whatsapp.notification.repository;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * V6 on an outbox that already holds messages: every unsent one gets its queue row in its state, every accepted one
 * its sid row, finished ones stay out of the queue. Runs Flyway itself on a database of its own
 * ({@code notification_migration}, created by deploy/local/infra.sh), so no running application sees the half-way
 * schema.
 */
class PendingQueueMigrationTest {

    private static final String URL = env("DB_MIGRATION_TEST_JDBC_URL",
            "jdbc:postgresql://localhost:5432/notification_migration");
    // the service's own role, owner of its databases (deploy/local/infra.sh), as the application's test profile
    private static final String USER = env("DB_USERNAME", "notification_service");
    private static final String PASSWORD = env("DB_PASSWORD", "notification_service-local");

    private static String env(String name, String otherwise) {
        var value = System.getenv(name);
        return value == null || value.isBlank() ? otherwise : value;
    }

    private Flyway flyway(String target) {
        return Flyway.configure().dataSource(URL, USER, PASSWORD).locations("classpath:db/migration")
                .cleanDisabled(false).target(target).load();
    }

    @BeforeEach
    void fromV5() {
        var before = flyway("5");
        before.clean();
        before.migrate();
    }

    @Test
    void unsentMessagesAreQueuedAndAcceptedOnesFindableBySid() throws Exception {
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD)) {
            c.createStatement().execute("insert into outbound_message (id, kind, to_address, state, next_attempt_at, "
                    + "claimed_at, twilio_sid, created_at, sent_at, updated_at) values "
                    + "('00000000-0000-0000-0000-000000000001', 'reply', 'whatsapp:+1', 'queued', now(), null, null, "
                    + "now(), null, now()), "
                    + "('00000000-0000-0000-0000-000000000002', 'reply', 'whatsapp:+1', 'sending', now(), now(), null, "
                    + "now(), null, now()), "
                    + "('00000000-0000-0000-0000-000000000003', 'reply', 'whatsapp:+2', 'sent', now(), now(), 'SM3', "
                    + "now(), now(), now()), "
                    + "('00000000-0000-0000-0000-000000000004', 'reply', 'whatsapp:+2', 'read', now(), now(), 'SM4', "
                    + "now(), now(), now()), "
                    + "('00000000-0000-0000-0000-000000000005', 'reply', 'whatsapp:+3', 'failed', now(), now(), null, "
                    + "now(), null, now())");

            flyway("latest").migrate();

            assertEquals(List.of("00000000-0000-0000-0000-000000000001 whatsapp:+1 queued",
                            "00000000-0000-0000-0000-000000000002 whatsapp:+1 sending"),
                    rows(c, "select q.id || ' ' || q.to_address || ' ' || q.state from outbound_pending q "
                            + "join outbound_message m on m.id = q.id and m.seq = q.seq order by q.seq"));
            assertEquals(List.of("SM3 00000000-0000-0000-0000-000000000003",
                            "SM4 00000000-0000-0000-0000-000000000004"),
                    rows(c, "select twilio_sid || ' ' || message_id from outbound_sid order by twilio_sid"));
            assertEquals(List.of("{fillfactor=80}"),
                    rows(c, "select reloptions::text from pg_class where relname = 'outbound_message'"));
        }
    }

    private static List<String> rows(Connection c, String sql) throws Exception {
        var list = new ArrayList<String>();
        try (var rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                list.add(rs.getString(1));
            }
        }
        return list;
    }
}
