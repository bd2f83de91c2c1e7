package com.flashapp.whatsapp.messaging;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Tells failures that say "something this handler needs is away, try again later" (a database or Redis restarting,
 * the broker reconnecting, a connection refused or timed out) from failures of the message itself. The first kind
 * is retried in place without spending the message's delivery limit; the second goes back to the queue.
 * Decided by exception types (and PostgreSQL's SQLSTATE), never by parsing messages; the clients this project uses
 * are named by class name so this module depends on none of them.
 */
@RegisterForReflection(classNames = "io.vertx.pgclient.PgException", methods = true, fields = false)
public final class Failures {

    /** Thrown by a handler (or wrapped around a cause) to have the message retried in place, whatever the cause. */
    public static final class RetryLater extends RuntimeException {
        public RetryLater(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final Set<String> TRANSIENT_TYPES = Set.of(
            // Vert.x SQL client: the connection or pool went away
            "io.vertx.sqlclient.ClosedConnectionException",
            "io.vertx.core.http.ConnectionPoolTooBusyException",
            "io.vertx.core.net.impl.ConnectionBase$ClosedException",
            "io.netty.channel.ConnectTimeoutException",
            "io.netty.channel.AbstractChannel$AnnotatedConnectException",
            "io.netty.channel.StacklessClosedChannelException",
            // Vert.x Redis client
            "io.vertx.redis.client.impl.types.ErrorType",
            // Mutiny / SmallRye Fault Tolerance time-outs of a dependency
            "io.smallrye.mutiny.TimeoutException",
            "io.smallrye.faulttolerance.api.RateLimitException");

    /** Redis replies that mean "not now" (loading after a restart, busy script, failover). */
    private static final Set<String> REDIS_TRANSIENT_PREFIXES = Set.of("LOADING", "BUSY", "TRYAGAIN", "MASTERDOWN",
            "CLUSTERDOWN", "READONLY");

    private Failures() {
    }

    /** Whether the failure says "try again later" rather than "this message cannot be handled". */
    public static boolean isTransient(Throwable failure) {
        var seen = new IdentityHashMap<Throwable, Boolean>();
        for (var t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (t instanceof RetryLater || t instanceof Publisher.PublishFailed
                    || t instanceof IOException || t instanceof TimeoutException) {
                return true;
            }
            if (t instanceof RejectedMessage) {
                return false;
            }
            var type = t.getClass().getName();
            if (type.equals("io.vertx.redis.client.impl.types.ErrorType")) {
                var message = String.valueOf(t.getMessage());
                return REDIS_TRANSIENT_PREFIXES.stream().anyMatch(message::startsWith);
            }
            if (TRANSIENT_TYPES.contains(type) || isConnectionClosed(t)) {
                return true;
            }
            var sqlState = sqlState(t);
            if (sqlState != null) {
                return transientSqlState(sqlState);
            }
        }
        return false;
    }

    /**
     * SQLSTATE classes that mean the server is away or overloaded, or the transaction lost a race: 08 connection
     * exception, 53 insufficient resources, 57P01-57P05 shutting down / cannot connect now, 40001 serialization
     * failure, 40P01 deadlock.
     */
    static boolean transientSqlState(String state) {
        return state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")
                || state.equals("40001") || state.equals("40P01");
    }

    /**
     * Vert.x fails a request on a closed connection with a plain VertxException ("Connection was closed"), and the
     * Redis client with a NoStackTraceThrowable ("Connection is closed") when Redis goes away mid-command.
     */
    private static boolean isConnectionClosed(Throwable t) {
        var type = t.getClass().getName();
        return (type.equals("io.vertx.core.VertxException") || type.equals("io.vertx.core.impl.NoStackTraceThrowable"))
                && t.getMessage() != null && t.getMessage().toLowerCase().contains("closed");
    }

    private static String sqlState(Throwable t) {
        if (!t.getClass().getName().equals("io.vertx.pgclient.PgException")) {
            return null;
        }
        try {
            Method m = t.getClass().getMethod("getSqlState");
            var value = m.invoke(t);
            return value == null ? null : value.toString();
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
