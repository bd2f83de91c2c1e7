package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.command.repository.ExpectationRepository;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the engine tests that talk as one new user share: a probe on every exchange command-service publishes to, a
 * fresh userRef and number for each test, and the database and open expectations to look at.
 */
abstract class NewUserEngineTest {

    @Inject
    Pool pool;

    @Inject
    ExpectationRepository expectations;

    BrokerProbe broker;
    String userRef;
    String phone;

    @BeforeEach
    void connect() throws Exception {
        broker = TestUsers.probe();
        userRef = TestUsers.newUserRef();
        phone = TestUsers.newPhone();
    }

    @AfterEach
    void disconnect() {
        broker.close();
    }
}
