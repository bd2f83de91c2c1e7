package com.flashapp.whatsapp.balance.client;

import com.flashapp.whatsapp.balance.client.FlashModels.Balance;
import com.flashapp.whatsapp.balance.client.FlashModels.Login;
import com.flashapp.whatsapp.balance.client.FlashModels.Me;
import com.flashapp.whatsapp.balance.client.FlashModels.Price;
import com.flashapp.whatsapp.balance.client.FlashModels.Wallet;
import io.quarkus.logging.Log;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every call balance-service makes to Flash. Each has a timeout and a circuit breaker; reads are retried with
 * backoff, mutations never (a login code is single-use). Expected outcomes (a wrong code, a refused token) are
 * recovered inside the breaker so they do not count as Flash failures; a Flash outage always surfaces as
 * {@link FlashUnavailableException} so callers can answer from the cache or say "try again in a minute".
 */
@ApplicationScoped
public class FlashClient {

    /** Name of the balance read's circuit breaker (for health and tests). */
    public static final String BALANCE_BREAKER = "flash-balance";

    private final FlashGraphQLApi api;
    private final Clock clock;

    FlashClient(FlashGraphQLApi api) {
        this.api = api;
        this.clock = Clock.systemUTC();
    }

    /**
     * Asks Flash to send a login code to the phone by WhatsApp ({@code userPhoneRegistrationInitiate}, needs a
     * service token). {@code false} when Flash refuses or does not answer: the user then requests the code in
     * the Flash app.
     */
    @Timeout(5000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 30000,
            skipOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    @Fallback(fallbackMethod = "codeRequestFailed")
    public Uni<Boolean> requestCode(String phone, String serviceToken) {
        return api.execute("PhoneCodeRequest",
                        Map.of("input", Map.of("phone", phone, "channel", "WHATSAPP")), serviceToken)
                .map(data -> {
                    var payload = data.getJsonObject("userPhoneRegistrationInitiate");
                    return errors(payload).isEmpty() && payload.getBoolean("success", false);
                });
    }

    Uni<Boolean> codeRequestFailed(String phone, String serviceToken, Throwable failure) {
        Log.warnf("Flash did not send a login code (%s); the user will request it in the app",
                failure.getClass().getSimpleName());
        return Uni.createFrom().item(false);
    }

    /** Exchanges a one-time code for the user's Flash token ({@code userLogin}). Never retried. */
    @Timeout(8000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 30000,
            skipOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    @Fallback(fallbackMethod = "loginUnavailable", skipOn = {FlashRejectedException.class,
            FlashUnauthenticatedException.class})
    public Uni<Login> login(String phone, String code) {
        return api.execute("UserLogin", Map.of("input", Map.of("phone", phone, "code", code)), null)
                .map(data -> {
                    var payload = data.getJsonObject("userLogin");
                    var errors = errors(payload);
                    if (!errors.isEmpty()) {
                        return Login.of(loginFailure(errors.get(0)));
                    }
                    if (payload.getBoolean("totpRequired", false)) {
                        return Login.of(Login.Outcome.TOTP_REQUIRED);
                    }
                    var token = payload.isNull("authToken") ? null : payload.getString("authToken");
                    return token == null ? Login.of(Login.Outcome.WRONG_CODE)
                            : new Login(Login.Outcome.SUCCESS, token);
                })
                .onFailure(FlashRejectedException.class).recoverWithItem(e ->
                        Login.of(loginFailure(new String[]{((FlashRejectedException) e).code(), e.getMessage()})));
    }

    /** The user, their default account and wallets ({@code me}). */
    @Timeout(5000)
    @ExponentialBackoff(factor = 2, maxDelay = 2000)
    @Retry(maxRetries = 2, delay = 200, jitter = 100,
            abortOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 30000,
            skipOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    @Fallback(fallbackMethod = "meUnavailable", skipOn = {FlashRejectedException.class,
            FlashUnauthenticatedException.class})
    public Uni<Me> me(String token) {
        return api.execute("Me", Map.of(), token).map(data -> {
            var me = me(data);
            var account = me.getJsonObject("defaultAccount");
            return new Me(me.getString("id"), me.isNull("username") ? null : me.getString("username"),
                    account.getString("id"), stringOrNull(account, "defaultWalletId"),
                    account.getString("displayCurrency"), wallets(account.getJsonArray("wallets")));
        });
    }

    /** Wallet balances with the realtime price of the account's display currency, in one document. */
    @CircuitBreakerName(BALANCE_BREAKER)
    @Timeout(5000)
    @ExponentialBackoff(factor = 2, maxDelay = 2000)
    @Retry(maxRetries = 2, delay = 200, jitter = 100,
            abortOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 30000,
            skipOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    @Fallback(fallbackMethod = "balanceUnavailable", skipOn = {FlashRejectedException.class,
            FlashUnauthenticatedException.class})
    public Uni<Balance> balance(String token) {
        return api.execute("Balance", Map.of(), token).map(data -> {
            var account = me(data).getJsonObject("defaultAccount");
            var currency = account.getString("displayCurrency");
            return new Balance(account.getString("id"), currency,
                    price(account.getJsonObject("realtimePrice"), currency),
                    wallets(account.getJsonArray("wallets")), clock.instant().truncatedTo(ChronoUnit.SECONDS));
        });
    }

    /** The realtime BTC price in a display currency (no token needed). */
    @Timeout(5000)
    @ExponentialBackoff(factor = 2, maxDelay = 2000)
    @Retry(maxRetries = 2, delay = 200, jitter = 100,
            abortOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 30000,
            skipOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    @Fallback(fallbackMethod = "priceUnavailable", skipOn = {FlashRejectedException.class,
            FlashUnauthenticatedException.class})
    public Uni<Price> realtimePrice(String currency) {
        return api.execute("RealtimePrice", Map.of("currency", currency), null)
                .map(data -> price(data.getJsonObject("realtimePrice"), currency));
    }

    /** Ends the Flash session of a token ({@code userLogout}); best effort, never retried. */
    @Timeout(5000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 30000,
            skipOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    public Uni<Void> logout(String token) {
        return api.execute("UserLogout", Map.of(), token).replaceWithVoid();
    }

    Uni<Login> loginUnavailable(String phone, String code, Throwable failure) {
        return fallback(failure);
    }

    Uni<Me> meUnavailable(String token, Throwable failure) {
        return fallback(failure);
    }

    Uni<Balance> balanceUnavailable(String token, Throwable failure) {
        return fallback(failure);
    }

    Uni<Price> priceUnavailable(String currency, Throwable failure) {
        return fallback(failure);
    }

    private static <T> Uni<T> fallback(Throwable failure) {
        Log.warnf("Flash is not answering: %s", failure.getClass().getSimpleName());
        if (failure instanceof FlashUnavailableException unavailable) {
            return Uni.createFrom().failure(unavailable);
        }
        return Uni.createFrom().failure(new FlashUnavailableException("Flash is not answering", failure));
    }

    private static JsonObject me(JsonObject data) {
        if (data.isNull("me")) {
            throw new FlashUnauthenticatedException("Flash returned no user for the token");
        }
        return data.getJsonObject("me");
    }

    private static Login.Outcome loginFailure(String[] codeAndMessage) {
        var code = codeAndMessage[0] == null ? "" : codeAndMessage[0].toUpperCase();
        var message = codeAndMessage[1] == null ? "" : codeAndMessage[1].toLowerCase();
        if (code.contains("EXPIRED") || message.contains("expired")) {
            return Login.Outcome.EXPIRED;
        }
        if (code.startsWith("TOO_MANY") || message.contains("too many")) {
            return Login.Outcome.TOO_MANY_REQUESTS;
        }
        return Login.Outcome.WRONG_CODE;
    }

    private static List<String[]> errors(JsonObject payload) {
        var result = new ArrayList<String[]>();
        if (payload == null || payload.isNull("errors")) {
            return result;
        }
        for (var value : payload.getJsonArray("errors")) {
            var error = value.asJsonObject();
            result.add(new String[]{stringOrNull(error, "code"), stringOrNull(error, "message")});
        }
        return result;
    }

    private static List<Wallet> wallets(JsonArray array) {
        var result = new ArrayList<Wallet>();
        for (var value : array) {
            var wallet = value.asJsonObject();
            var balance = wallet.isNull("balance") ? BigDecimal.ZERO
                    : ((JsonNumber) wallet.get("balance")).bigDecimalValue();
            result.add(new Wallet(wallet.getString("id"), wallet.getString("walletCurrency"), balance));
        }
        return List.copyOf(result);
    }

    private static Price price(JsonObject price, String currency) {
        var sat = price.getJsonObject("btcSatPrice");
        var cent = price.getJsonObject("usdCentPrice");
        var timestamp = price.get("timestamp") instanceof JsonNumber n ? Instant.ofEpochSecond(n.longValue()) : null;
        var denominator = stringOrNull(price, "denominatorCurrency");
        return new Price(denominator != null ? denominator : currency,
                sat.getJsonNumber("base").longValueExact(), sat.getInt("offset"),
                cent.getJsonNumber("base").longValueExact(), cent.getInt("offset"), timestamp);
    }

    private static String stringOrNull(JsonObject object, String key) {
        var value = object.get(key);
        return value == null || value.getValueType() == JsonValue.ValueType.NULL ? null : object.getString(key);
    }
}
