package com.flashapp.whatsapp.notification.config;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.spi.PgDriver;
import io.vertx.sqlclient.Pool;
import jakarta.inject.Singleton;

/**
 * Creates the reactive PostgreSQL pool from Quarkus's options, with a longer SQL limit for the prepared statement
 * cache. The client caches only statements up to 2,048 characters unless told otherwise (Quarkus has no property for
 * it), and the relay's group store is longer: it was parsed and planned again on every execution, which showed as
 * PostgreSQL's parser in a CPU profile under the benchmark. {@code OutboxStatementsTest} checks that the hot
 * statements stay prepared on their connection.
 * <p>
 * The pool is built from Quarkus's connection options as they are, so a datasource credentials provider is not
 * consulted again when connections are renewed: this service takes its password from configuration.
 */
@Singleton
public class StatementCachePoolCreator implements PgPoolCreator {

    /** Longer than any statement this service prepares. */
    static final int STATEMENT_CACHE_SQL_LIMIT = 8192;

    @Override
    public Pool create(Input input) {
        input.pgConnectOptionsList().forEach(o -> o.setPreparedStatementCacheSqlLimit(STATEMENT_CACHE_SQL_LIMIT));
        return PgDriver.INSTANCE.createPool(input.vertx(), input.pgConnectOptionsList(), input.poolOptions());
    }
}
