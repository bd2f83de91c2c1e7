package com.flashapp.whatsapp.sandbox.fault;

/**
 * A fault to inject: {@code mode} latency|http500|http429|graphqlError|drop, for a share of requests, for a while.
 * {@code operation} (optional, Flash only) limits it to requests whose GraphQL {@code operationName} is that one.
 */
public record Fault(String mode, Double rate, Long latencyMs, Long durationSeconds, String operation) {
}
