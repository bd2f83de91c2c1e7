package com.flashapp.whatsapp.balance.lnurl;

import com.flashapp.whatsapp.balance.config.BalanceConfig;
import com.flashapp.whatsapp.balance.format.MoneyFormatter;
import com.flashapp.whatsapp.balance.payment.Bolt11Amount;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Paying a Lightning address of another wallet: LUD-16 ({@code user@domain} → {@code GET https://domain/.well-known/
 * lnurlp/user}) then LUD-06 LNURL-pay (check {@code tag=payRequest} and {@code min/maxSendable}, call the callback
 * with {@code amount=<msat>}, check the returned invoice asks for exactly that amount). Only reads: the invoice is
 * paid afterwards by the send flow (confirmation card, MFA, {@code lnInvoicePaymentSend} with an idempotency key).
 * Each HTTP call has {@code balance.lnurl.timeout}; nothing is retried; a circuit breaker stops calling out when
 * most calls fail. Outside dev/test every URL is {@code https://}, and every host must resolve to public addresses
 * only ({@link PublicAddresses}: no loopback, private, link-local, CGNAT or unique-local targets), checked before
 * each call and connected to as checked; an answer larger than {@code max-response-bytes} is cut off while read.
 */
@ApplicationScoped
public class LnurlPay {

    private static final Pattern USER = Pattern.compile("[a-z0-9._+-]{1,64}");
    private static final Pattern DOMAIN =
            Pattern.compile("(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");

    /** The other wallet answered, but not with something we pay: {@code getMessage()} is for the user. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** The other wallet could not be reached (network, timeout, HTTP error): counted by the circuit breaker. */
    public static final class Unreachable extends RuntimeException {
        public Unreachable(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private final BalanceConfig.Lnurl config;
    private final Map<String, String> overrides;
    private final WebClient client;
    private final PublicAddresses addresses;

    public LnurlPay(BalanceConfig config, Vertx vertx, PublicAddresses addresses) {
        this.addresses = addresses;
        this.config = config.lnurl();
        this.overrides = config.lnurl().baseUrlOverride();
        var timeout = (int) this.config.timeout().toMillis();
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout(timeout)
                .setFollowRedirects(false)
                .setForceSni(true)
                .setUserAgent("flash-whatsapp-balance"));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** True for something shaped like a Lightning address ({@code user@domain}). */
    public static boolean isAddress(String address) {
        var at = address == null ? -1 : address.lastIndexOf('@');
        return at > 0 && USER.matcher(address.substring(0, at).toLowerCase(Locale.ROOT)).matches()
                && DOMAIN.matcher(address.substring(at + 1).toLowerCase(Locale.ROOT)).matches();
    }

    /**
     * An invoice from {@code address} for exactly {@code sats}, or a failure: {@link Refused} (answer for the
     * user), {@link Unreachable}, or the breaker's open-circuit exception.
     */
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 30000, skipOn = Refused.class)
    public Uni<String> invoice(String address, long sats, Locale locale) {
        if (!isAddress(address)) {
            return Uni.createFrom().failure(new Refused("\"" + address + "\" isn't a Lightning address."));
        }
        var at = address.lastIndexOf('@');
        var user = address.substring(0, at).toLowerCase(Locale.ROOT);
        var domain = address.substring(at + 1).toLowerCase(Locale.ROOT);
        var override = overrides.get(domain);
        var base = override != null ? strip(override) : "https://" + domain;
        var shown = user + "@" + domain;
        var trusted = override != null;
        return get(base + "/.well-known/lnurlp/" + user, domain, trusted).flatMap(pay -> {
            if (!"payRequest".equals(pay.getString("tag"))) {
                return Uni.createFrom().failure(new Refused(shown + " isn't a Lightning address that can receive "
                        + "payments."));
            }
            var callback = pay.getString("callback");
            var min = pay.getLong("minSendable");
            var max = pay.getLong("maxSendable");
            if (callback == null || min == null || max == null || !allowed(callback, override != null)) {
                return Uni.createFrom().failure(new Refused(domain + " gave an unusable answer for " + shown
                        + ", so I can't pay it. Ask them for an invoice instead."));
            }
            var msat = Math.multiplyExact(sats, 1000L);
            if (msat < min || msat > max) {
                var from = MoneyFormatter.sats((min + 999) / 1000, locale);
                var to = MoneyFormatter.sats(max / 1000, locale);
                return Uni.createFrom().failure(new Refused(shown + " accepts payments from " + from + " to " + to
                        + " (you asked for " + MoneyFormatter.sats(sats, locale) + "). Nothing was sent."));
            }
            var url = callback + (callback.contains("?") ? "&" : "?") + "amount="
                    + URLEncoder.encode(Long.toString(msat), StandardCharsets.UTF_8);
            return get(url, domain, trusted).map(answer -> checkedInvoice(answer, shown, domain, sats, locale));
        });
    }

    private String checkedInvoice(JsonObject answer, String shown, String domain, long sats, Locale locale) {
        var invoice = Bolt11Amount.normalise(answer.getString("pr"));
        if (invoice == null) {
            throw new Refused(domain + " didn't send a valid invoice for " + shown + ". Nothing was sent.");
        }
        var asked = Bolt11Amount.sats(invoice);
        if (asked.isEmpty() || asked.getAsLong() != sats) {
            // a wallet must not change the amount: never pay an invoice for anything but what the user confirmed
            Log.warnf("LNURL invoice from %s for %s sats, asked %d", domain,
                    asked.isPresent() ? Long.toString(asked.getAsLong()) : "no", sats);
            throw new Refused(domain + " sent an invoice for " + (asked.isPresent()
                    ? MoneyFormatter.sats(asked.getAsLong(), locale) : "no amount") + " instead of "
                    + MoneyFormatter.sats(sats, locale) + ", so I didn't pay it. Nothing was sent.");
        }
        return invoice;
    }

    /**
     * One GET; a JSON object, an LUD-06 {@code ERROR} as {@link Refused}, anything else as {@link Unreachable}. The
     * host must resolve to public addresses only, and the request goes to the address that was checked (unless the
     * base URL is a configured dev/test override, which the operator chose); the body is cut off while it is read
     * once it passes {@code max-response-bytes}.
     */
    private Uni<JsonObject> get(String url, String domain, boolean trusted) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(new Refused(domain + " gave an unusable answer. Ask them for an invoice "
                    + "instead."));
        }
        var host = uri.getHost();
        if (host == null) {
            return Uni.createFrom().failure(new Refused(domain + " gave an unusable answer. Ask them for an invoice "
                    + "instead."));
        }
        var ssl = "https".equalsIgnoreCase(uri.getScheme());
        var port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
        var path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        Uni<SocketAddress> target = trusted
                ? Uni.createFrom().item(SocketAddress.inetSocketAddress(port, host))
                : addresses.resolve(host)
                        .onFailure(PublicAddresses.NotPublic.class).transform(e -> {
                            Log.warnf("LNURL %s: %s refused (not a public address)", domain, host);
                            return new Refused(domain + " points to an address I won't call. Ask them for an "
                                    + "invoice instead. Nothing was sent.");
                        })
                        .map(address -> SocketAddress.inetSocketAddress(port, address.getHostAddress()));
        return target.flatMap(server -> {
            var body = new CappedBody(config.maxResponseBytes());
            return Uni.createFrom().<HttpResponse<Void>>completionStage(() -> client
                            .request(HttpMethod.GET, server, port, host, path)
                            .ssl(ssl)
                            .timeout(config.timeout().toMillis())
                            .putHeader("Accept", "application/json")
                            .as(BodyCodec.pipe(body))
                            .send().toCompletionStage())
                    .onFailure().transform(e -> e instanceof CappedBody.TooLarge
                            || e.getCause() instanceof CappedBody.TooLarge
                            ? new Refused(domain + " gave an unusable answer. Ask them for an invoice instead.")
                            : new Unreachable("LNURL " + domain + ": " + e.getClass().getSimpleName(), e))
                    .map(response -> parse(response.statusCode(), body.body(), domain));
        });
    }

    private static JsonObject parse(int status, Buffer body, String domain) {
        if (status != 200) {
            throw new Unreachable("LNURL " + domain + ": HTTP " + status, null);
        }
        JsonObject json;
        try {
            json = body.toJsonObject();
        } catch (DecodeException | ClassCastException e) {
            throw new Refused(domain + " gave an unusable answer. Ask them for an invoice instead.");
        }
        if ("ERROR".equalsIgnoreCase(json.getString("status"))) {
            var reason = json.getString("reason", "no reason given");
            throw new Refused(domain + " refused the payment: "
                    + (reason.length() > 120 ? reason.substring(0, 120) + "…" : reason) + ". Nothing was sent.");
        }
        return json;
    }

    /** Callbacks must be https, except behind a dev/test override (the sandbox speaks plain http). */
    private static boolean allowed(String callback, boolean overridden) {
        try {
            var scheme = URI.create(callback).getScheme();
            return "https".equalsIgnoreCase(scheme) || overridden && "http".equalsIgnoreCase(scheme);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String strip(String base) {
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
}
