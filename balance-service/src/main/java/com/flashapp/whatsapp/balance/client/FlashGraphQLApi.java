package com.flashapp.whatsapp.balance.client;

import com.flashapp.whatsapp.balance.config.BalanceConfig;
import io.smallrye.graphql.client.GraphQLError;
import io.smallrye.graphql.client.InvalidResponseException;
import io.smallrye.graphql.client.vertx.dynamic.VertxDynamicGraphQLClient;
import io.smallrye.graphql.client.vertx.dynamic.VertxDynamicGraphQLClientBuilder;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The transport to Flash: SmallRye's dynamic GraphQL client sending the documents of {@link FlashDocuments},
 * with the user's token as a per-request {@code Authorization: Bearer} header. It only classifies outcomes;
 * timeouts, retries and the breaker live in {@link FlashClient}.
 */
@ApplicationScoped
class FlashGraphQLApi {

    private static final Pattern HTTP_401 = Pattern.compile("\\b401\\b");
    private static final Pattern HTTP_4XX = Pattern.compile("(?i)code=4\\d\\d\\b");
    private static final Set<String> UNAUTHENTICATED_CODES =
            Set.of("NOT_AUTHENTICATED", "UNAUTHENTICATED", "NOT_AUTHORIZED", "UNAUTHORIZED");

    private final VertxDynamicGraphQLClient client;

    FlashGraphQLApi(BalanceConfig config, Vertx vertx) {
        this.client = (VertxDynamicGraphQLClient) new VertxDynamicGraphQLClientBuilder()
                .vertx(vertx)
                .url(config.flash().url())
                .build();
    }

    @PreDestroy
    void close() {
        try {
            client.close();
        } catch (Exception ignored) {
            // shutting down anyway
        }
    }

    /** Runs an operation; the item is the {@code data} object, failures are classified Flash exceptions. */
    Uni<JsonObject> execute(String operation, Map<String, Object> variables, String bearerToken) {
        var headers = MultiMap.caseInsensitiveMultiMap();
        if (bearerToken != null) {
            headers.add("Authorization", "Bearer " + bearerToken);
        }
        return Uni.createFrom().deferred(() ->
                        client.executeAsync(FlashDocuments.document(operation), variables, operation, headers))
                .onFailure().transform(FlashGraphQLApi::classify)
                .map(response -> {
                    if (response.hasError()) {
                        throw fromErrors(response.getErrors());
                    }
                    if (!response.hasData()) {
                        throw new FlashUnavailableException("Flash answered without data", null);
                    }
                    return response.getData();
                });
    }

    private static RuntimeException classify(Throwable failure) {
        if (failure instanceof FlashUnauthenticatedException || failure instanceof FlashRejectedException
                || failure instanceof FlashUnavailableException) {
            return (RuntimeException) failure;
        }
        var message = String.valueOf(failure.getMessage());
        if (failure instanceof InvalidResponseException && HTTP_401.matcher(message).find()) {
            return new FlashUnauthenticatedException("Flash answered 401");
        }
        if (failure instanceof InvalidResponseException && HTTP_4XX.matcher(message).find()) {
            return new FlashRejectedException("HTTP_4XX", "Flash refused the request");
        }
        return new FlashUnavailableException("Flash call failed: " + failure.getClass().getSimpleName(), failure);
    }

    private static RuntimeException fromErrors(java.util.List<GraphQLError> errors) {
        for (var error : errors) {
            var code = code(error);
            var message = String.valueOf(error.getMessage());
            if ((code != null && UNAUTHENTICATED_CODES.contains(code.toUpperCase()))
                    || message.toLowerCase().contains("not authenticated")) {
                return new FlashUnauthenticatedException("Flash says the token is not valid");
            }
        }
        var first = errors.get(0);
        var code = code(first);
        if (code != null && (code.equals("INTERNAL_SERVER_ERROR") || code.endsWith("_OFFLINE"))) {
            return new FlashUnavailableException("Flash reported " + code, null);
        }
        return new FlashRejectedException(code, first.getMessage());
    }

    private static String code(GraphQLError error) {
        var extensions = error.getExtensions();
        if (extensions == null) {
            return null;
        }
        var code = extensions.get("code");
        return code == null ? null : code.toString();
    }
}
