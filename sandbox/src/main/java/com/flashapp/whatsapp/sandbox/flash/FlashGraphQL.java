package com.flashapp.whatsapp.sandbox.flash;

import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.InvalidSyntaxError;
import graphql.execution.DataFetcherExceptionHandler;
import graphql.execution.DataFetcherExceptionHandlerParameters;
import graphql.execution.DataFetcherExceptionHandlerResult;
import graphql.language.InterfaceTypeDefinition;
import graphql.language.UnionTypeDefinition;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLNamedType;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import graphql.schema.TypeResolver;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.ScalarInfo;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import graphql.schema.idl.TypeRuntimeWiring;
import graphql.validation.ValidationError;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import org.reactivestreams.FlowAdapters;
import org.reactivestreams.Publisher;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Executes GraphQL documents against the real Flash SDL (schema-first) with data fetchers for what the product uses.
 * Everything else resolves to null, as an unimplemented or empty field would.
 */
@ApplicationScoped
@Startup
public class FlashGraphQL {

    /** GraphQL context key: the authenticated user's id (absent when anonymous). */
    public static final String USER_ID = "userId";
    /** GraphQL context key: the bearer token of the request (for userLogout). */
    public static final String TOKEN = "token";
    static final String SCHEMA_RESOURCE = "flash/flash-schema.graphql";

    private final FlashState state;
    private final FlashEvents events;
    private final GraphQL graphQL;

    public FlashGraphQL(FlashState state, FlashEvents events) {
        this.state = state;
        this.events = events;
        this.graphQL = GraphQL.newGraphQL(buildSchema())
                .defaultDataFetcherExceptionHandler(new FlashExceptionHandler())
                .build();
    }

    /** Runs one document; {@code userId}/{@code token} null for anonymous requests. */
    public CompletableFuture<ExecutionResult> execute(String query, String operationName, Map<String, Object> variables,
                                                      String userId, String token) {
        var context = new HashMap<String, Object>();
        if (userId != null) {
            context.put(USER_ID, userId);
        }
        if (token != null) {
            context.put(TOKEN, token);
        }
        var input = ExecutionInput.newExecutionInput()
                .query(query == null ? "" : query)
                .operationName(operationName)
                .variables(variables == null ? Map.of() : variables)
                .graphQLContext(context)
                .root(Map.of())
                .build();
        return graphQL.executeAsync(input);
    }

    /** The spec-shaped result with Apollo-style {@code extensions.code} on errors graphql-java raised itself. */
    public static Map<String, Object> toSpecification(ExecutionResult result) {
        var spec = new LinkedHashMap<String, Object>();
        if (!result.getErrors().isEmpty()) {
            spec.put("errors", result.getErrors().stream().map(FlashGraphQL::error).toList());
        }
        if (result.isDataPresent() && result.getData() instanceof Publisher<?>) {
            // a valid subscription sent over HTTP: like Flash's API, refuse it and point to the WebSocket
            spec.put("errors", List.of(Map.of(
                    "message", "Subscriptions are served over WebSocket (graphql-transport-ws) only",
                    "extensions", Map.of("code", "BAD_REQUEST"))));
        } else if (result.isDataPresent()) {
            spec.put("data", result.getData());
        }
        return spec;
    }

    static Map<String, Object> error(GraphQLError error) {
        var map = new LinkedHashMap<>(error.toSpecification());
        @SuppressWarnings("unchecked")
        var extensions = new LinkedHashMap<String, Object>(
                map.get("extensions") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
        if (!extensions.containsKey("code")) {
            extensions.put("code", codeOf(error));
        }
        extensions.remove("classification");
        map.put("extensions", extensions);
        return map;
    }

    private static String codeOf(GraphQLError error) {
        if (error instanceof InvalidSyntaxError) {
            return "GRAPHQL_PARSE_FAILED";
        }
        if (error instanceof ValidationError) {
            return "GRAPHQL_VALIDATION_FAILED";
        }
        var classification = String.valueOf(error.getErrorType());
        return switch (classification) {
            case "InvalidSyntax" -> "GRAPHQL_PARSE_FAILED";
            case "ValidationError" -> "BAD_USER_INPUT";
            default -> "INTERNAL_SERVER_ERROR";
        };
    }

    // ------------------------------------------------------------------ schema

    private GraphQLSchema buildSchema() {
        TypeDefinitionRegistry registry;
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Missing " + SCHEMA_RESOURCE);
            }
            registry = new SchemaParser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        var wiring = RuntimeWiring.newRuntimeWiring();
        registry.scalars().keySet().stream()
                .filter(name -> !ScalarInfo.isGraphqlSpecifiedScalar(name))
                .forEach(name -> wiring.scalar(FlashScalars.scalar(name)));
        TypeResolver byTypename = env -> {
            var name = env.getObject() instanceof Map<?, ?> m ? (String) m.get(FlashViews.TYPENAME) : null;
            if (name == null) {
                name = switch (env.getFieldType() instanceof GraphQLNamedType t ? t.getName() : "") {
                    case "Account" -> "ConsumerAccount";
                    default -> "GraphQLApplicationError";
                };
            }
            return (GraphQLObjectType) env.getSchema().getType(name);
        };
        registry.getTypes(InterfaceTypeDefinition.class)
                .forEach(t -> wiring.type(TypeRuntimeWiring.newTypeWiring(t.getName()).typeResolver(byTypename)));
        registry.getTypes(UnionTypeDefinition.class)
                .forEach(t -> wiring.type(TypeRuntimeWiring.newTypeWiring(t.getName()).typeResolver(byTypename)));

        wiring.type("Query", t -> t
                .dataFetcher("me", env -> state.me(userId(env)))
                .dataFetcher("realtimePrice", env -> state.price(env.getArgument("currency")))
                .dataFetcher("accountDefaultWallet", env -> state.publicWallet(env.getArgument("username"),
                        env.getArgument("walletCurrency")))
                .dataFetcher("transactionDetails", env -> state.transactionDetails(userId(env),
                        (String) input(env).get("transactionId")))
                .dataFetcher("usernameAvailable", env -> state.usernameAvailable(env.getArgument("username")))
                .dataFetcher("lnInvoicePaymentStatus", env -> state.invoiceStatus(
                        (String) input(env).get("paymentRequest"))));
        DataFetcher<Object> transactions = env -> {
            Map<String, Object> source = env.getSource();
            var accountId = (String) source.getOrDefault("accountId", source.get("id"));
            List<String> walletIds = source.containsKey("walletCurrency") ? List.of((String) source.get("id"))
                    : env.getArgument("walletIds");
            return state.transactions(accountId, walletIds, env.getArgument("first"), env.getArgument("after"),
                    env.getArgument("last"), env.getArgument("before"));
        };
        wiring.type("ConsumerAccount", t -> t.dataFetcher("transactions", transactions));
        wiring.type("BTCWallet", t -> t.dataFetcher("transactions", transactions));
        wiring.type("UsdWallet", t -> t.dataFetcher("transactions", transactions));

        wiring.type("Mutation", t -> t
                .dataFetcher("userPhoneRegistrationInitiate", this::registrationInitiate)
                .dataFetcher("userLogin", env -> state.login((String) input(env).get("phone"),
                        (String) input(env).get("code")))
                .dataFetcher("userLogout", env -> {
                    userId(env);
                    state.logout(env.getGraphQlContext().get(TOKEN));
                    return success();
                })
                .dataFetcher("accountUpdateDisplayCurrency", env -> state.updateDisplayCurrency(userId(env),
                        (String) input(env).get("currency")))
                .dataFetcher("lnInvoiceCreate", env -> state.createInvoice(userId(env), walletId(env), "BTC",
                        (Long) input(env).get("amount"), null, memo(env), (Long) input(env).get("expiresIn")))
                .dataFetcher("lnUsdInvoiceCreate", env -> state.createInvoice(userId(env), walletId(env), "USD",
                        null, cents(input(env).get("amount")), memo(env), (Long) input(env).get("expiresIn")))
                .dataFetcher("lnNoAmountInvoiceCreate", env -> state.createInvoice(userId(env), walletId(env), null,
                        null, null, memo(env), (Long) input(env).get("expiresIn")))
                .dataFetcher("intraLedgerPaymentSend", env -> payment(state.intraLedgerSend(userId(env),
                        walletId(env), "BTC", (String) input(env).get("recipientWalletId"),
                        (Long) input(env).get("amount"), memo(env), (String) input(env).get("idempotencyKey"))))
                .dataFetcher("intraLedgerUsdPaymentSend", env -> payment(state.intraLedgerSend(userId(env),
                        walletId(env), "USD", (String) input(env).get("recipientWalletId"),
                        cents(input(env).get("amount")), memo(env), (String) input(env).get("idempotencyKey"))))
                .dataFetcher("lnInvoicePaymentSend", env -> payment(state.payInvoice(userId(env), walletId(env),
                        (String) input(env).get("paymentRequest"), memo(env),
                        (String) input(env).get("idempotencyKey"))))
                .dataFetcher("lnInvoiceFeeProbe", env -> state.feeProbe(userId(env), walletId(env), "BTC",
                        (String) input(env).get("paymentRequest"), null))
                .dataFetcher("lnUsdInvoiceFeeProbe", env -> state.feeProbe(userId(env), walletId(env), "USD",
                        (String) input(env).get("paymentRequest"), null))
                .dataFetcher("lnNoAmountInvoiceFeeProbe", env -> state.feeProbe(userId(env), walletId(env), "BTC",
                        (String) input(env).get("paymentRequest"), (Long) input(env).get("amount")))
                .dataFetcher("lnNoAmountUsdInvoiceFeeProbe", env -> state.feeProbe(userId(env), walletId(env), "USD",
                        (String) input(env).get("paymentRequest"), cents(input(env).get("amount"))))
                .dataFetcher("lnNoAmountInvoicePaymentSend", env -> payment(state.payNoAmountInvoice(userId(env),
                        walletId(env), "BTC", (String) input(env).get("paymentRequest"),
                        (Long) input(env).get("amount"), memo(env), (String) input(env).get("idempotencyKey"))))
                // the real input has no idempotencyKey: a repeat pays again (an already paid sandbox invoice
                // answers ALREADY_PAID; an outside one is debited again), which is what the product must guard
                .dataFetcher("lnNoAmountUsdInvoicePaymentSend", env -> payment(state.payNoAmountInvoice(userId(env),
                        walletId(env), "USD", (String) input(env).get("paymentRequest"),
                        cents(input(env).get("amount")), memo(env), null))));

        wiring.type("Subscription", t -> t
                .dataFetcher("myUpdates", env -> {
                    String userId = env.getGraphQlContext().get(USER_ID);
                    if (userId == null) {
                        throw new FlashException("NOT_AUTHENTICATED", "Not Authenticated for subscription");
                    }
                    Multi<Map<String, Object>> payloads = events.updates(userId).map(update -> {
                        var payload = new HashMap<String, Object>();
                        payload.put("errors", List.of());
                        payload.put("update", update);
                        payload.put("me", state.me(userId));
                        return payload;
                    });
                    return FlowAdapters.toPublisher(payloads);
                })
                .dataFetcher("lnInvoicePaymentStatus", env -> {
                    // the current status right away, then PAID when it is paid (as Flash does)
                    var paymentRequest = (String) input(env).get("paymentRequest");
                    var later = events.invoiceUpdates(paymentRequest).map(status -> {
                        var payload = new HashMap<String, Object>();
                        payload.put("errors", List.of());
                        payload.put("status", status);
                        return (Map<String, Object>) payload;
                    });
                    var now = state.invoiceStatus(paymentRequest);
                    Multi<Map<String, Object>> stream = "PENDING".equals(now.get("status"))
                            ? Multi.createBy().concatenating().streams(Multi.createFrom().item(now), later)
                            : Multi.createFrom().item(now);
                    return FlowAdapters.toPublisher(stream);
                })
                .dataFetcher("realtimePrice", env -> {
                    var currency = (String) input(env).get("currency");
                    var payload = new HashMap<String, Object>();
                    payload.put("errors", List.of());
                    payload.put("realtimePrice", state.price(currency));
                    return FlowAdapters.toPublisher(Multi.createFrom().item(payload));
                }));

        return new SchemaGenerator().makeExecutableSchema(registry, wiring.build());
    }

    private Object registrationInitiate(DataFetchingEnvironment env) {
        if (state.registrationRequiresAuth()) {
            userId(env);
        }
        var in = input(env);
        if (!state.sendCode((String) in.get("phone"), (String) in.get("channel"))) {
            var payload = new HashMap<String, Object>();
            payload.put("errors", List.of(FlashViews.appError("TOO_MANY_REQUEST", "Too many requests")));
            payload.put("success", false);
            return payload;
        }
        return success();
    }

    private static Map<String, Object> success() {
        var payload = new HashMap<String, Object>();
        payload.put("errors", List.of());
        payload.put("success", true);
        return payload;
    }

    private static Map<String, Object> payment(FlashState.PaymentResult result) {
        var payload = new HashMap<String, Object>();
        payload.put("errors", result.errors());
        payload.put("status", result.status());
        return payload;
    }

    private static String userId(DataFetchingEnvironment env) {
        String userId = env.getGraphQlContext().get(USER_ID);
        if (userId == null) {
            throw FlashException.notAuthenticated();
        }
        return userId;
    }

    private static Map<String, Object> input(DataFetchingEnvironment env) {
        Map<String, Object> in = env.getArgument("input");
        return in == null ? Map.of() : in;
    }

    private static String walletId(DataFetchingEnvironment env) {
        return (String) input(env).get("walletId");
    }

    private static String memo(DataFetchingEnvironment env) {
        return (String) input(env).get("memo");
    }

    private static Long cents(Object amount) {
        if (amount == null) {
            return null;
        }
        var value = amount instanceof BigDecimal d ? d : new BigDecimal(amount.toString());
        if (value.stripTrailingZeros().scale() > 0) {
            throw new FlashException("INVALID_INPUT", "Amount must be a whole number of cents");
        }
        return value.longValueExact();
    }

    /** Turns data-fetcher exceptions into Flash-shaped top-level errors (message + extensions.code), no stack traces. */
    private static final class FlashExceptionHandler implements DataFetcherExceptionHandler {
        @Override
        public CompletableFuture<DataFetcherExceptionHandlerResult> handleException(
                DataFetcherExceptionHandlerParameters params) {
            var exception = params.getException();
            String code;
            String message;
            if (exception instanceof FlashException flash) {
                code = flash.code();
                message = flash.getMessage();
            } else {
                Log.errorf(exception, "Flash sandbox: data fetcher failed at %s", params.getPath());
                code = "INTERNAL_SERVER_ERROR";
                message = "Internal server error";
            }
            var error = GraphqlErrorBuilder.newError()
                    .message(message)
                    .path(params.getPath())
                    .location(params.getSourceLocation())
                    .extensions(new HashMap<>(Map.of("code", code)))
                    .build();
            return CompletableFuture.completedFuture(
                    DataFetcherExceptionHandlerResult.newResult().error(error).build());
        }
    }
}
