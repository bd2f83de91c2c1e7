package com.flashapp.whatsapp.messaging;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailuresTest {

    @Test
    void somethingAwayIsTransientWhereverItIsInTheCauseChain() {
        assertTrue(Failures.isTransient(new ConnectException("Connection refused")));
        assertTrue(Failures.isTransient(new CompletionException(new IOException("reset"))));
        assertTrue(Failures.isTransient(new Failures.RetryLater("later", null)));
        assertTrue(Failures.isTransient(new io.smallrye.mutiny.TimeoutException()));
        assertTrue(Failures.isTransient(new Publisher.PublishFailed("connection-lost")));
        assertTrue(Failures.isTransient(new RuntimeException(new io.vertx.core.VertxException("Connection was closed"))));
        assertTrue(Failures.isTransient(new io.vertx.core.impl.NoStackTraceThrowable("Connection is closed")));
        assertFalse(Failures.isTransient(new io.vertx.core.impl.NoStackTraceThrowable("no such key")));
    }

    @Test
    void aProblemOfTheMessageIsNot() {
        assertFalse(Failures.isTransient(new IllegalStateException("bug")));
        assertFalse(Failures.isTransient(new NullPointerException()));
        assertFalse(Failures.isTransient(new RejectedMessage("bad")));
        assertFalse(Failures.isTransient(new io.vertx.core.VertxException("Invalid argument")));
    }

    @Test
    void postgresqlStatesThatMeanTheServerIsAwayAreTransient() {
        assertTrue(Failures.transientSqlState("08006"));
        assertTrue(Failures.transientSqlState("57P01"));
        assertTrue(Failures.transientSqlState("57P03"));
        assertTrue(Failures.transientSqlState("53300"));
        assertTrue(Failures.transientSqlState("40001"));
        assertFalse(Failures.transientSqlState("23505"));
        assertFalse(Failures.transientSqlState("42P01"));
    }
}
