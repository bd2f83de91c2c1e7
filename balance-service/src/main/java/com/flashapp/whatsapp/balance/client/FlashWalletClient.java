package com.flashapp.whatsapp.balance.client;

import com.flashapp.whatsapp.balance.client.WalletModels.FeeQuote;
import com.flashapp.whatsapp.balance.client.WalletModels.Invoice;
import com.flashapp.whatsapp.balance.client.WalletModels.PaymentOutcome;
import com.flashapp.whatsapp.balance.client.WalletModels.PublicWallet;
import com.flashapp.whatsapp.balance.client.WalletModels.Tx;
import com.flashapp.whatsapp.balance.client.WalletModels.TxDetails;
import com.flashapp.whatsapp.balance.client.WalletModels.TxPage;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Flash calls of the wallet transactions: history, invoices, recipient lookup and payments. Reads are retried
 * with backoff; money-moving mutations never are here (the caller retries only with the same idempotency key).
 * Every call has a timeout and a circuit breaker; a refusal ({@link FlashRejectedException}) or a refused token
 * does not count as a Flash failure. Outages surface as {@link FlashUnavailableException}.
 */
@ApplicationScoped
public class FlashWalletClient {

    /** Operations sent over HTTP (the subscription document {@code MyUpdates} goes over graphql-ws). */
    public static final List<String> OPERATIONS = List.of("Transactions", "WalletTransactions", "TransactionDetails",
            "LnInvoiceCreate", "LnUsdInvoiceCreate", "LnNoAmountInvoiceCreate", "AccountDefaultWallet",
            "IntraLedgerUsdPaymentSend", "IntraLedgerPaymentSend", "LnInvoicePaymentSend", "LnNoAmountInvoicePaymentSend",
            "LnNoAmountUsdInvoicePaymentSend", "LnInvoiceFeeProbe", "LnUsdInvoiceFeeProbe", "LnNoAmountInvoiceFeeProbe",
            "LnNoAmountUsdInvoiceFeeProbe", "MyUpdates");

    private final FlashGraphQLApi api;

    FlashWalletClient(FlashGraphQLApi api) {
        this.api = api;
    }

    /** A page of the account's transactions, newest first. */
    @Timeout(8000)
    @Retry(maxRetries = 2, delay = 200, jitter = 100,
            abortOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 30000,
            skipOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    public Uni<TxPage> transactions(String token, int first, String after) {
        var variables = new HashMap<String, Object>();
        variables.put("first", first);
        if (after != null) {
            variables.put("after", after);
        }
        return call("Transactions", variables, token).map(data -> {
            var connection = me(data).getJsonObject("defaultAccount").getJsonObject("transactions");
            var items = new ArrayList<Tx>();
            for (var edge : connection.getJsonArray("edges")) {
                items.add(tx(edge.asJsonObject().getJsonObject("node"), null));
            }
            var pageInfo = connection.getJsonObject("pageInfo");
            return new TxPage(List.copyOf(items), pageInfo != null && pageInfo.getBoolean("hasNextPage", false),
                    pageInfo == null ? null : string(pageInfo, "endCursor"));
        });
    }

    /** The latest transactions of every wallet, each with its wallet id (the bridge's reconciliation). */
    @Timeout(8000)
    @Retry(maxRetries = 2, delay = 200, jitter = 100,
            abortOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 30000,
            skipOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    public Uni<List<Tx>> latestPerWallet(String token, int first) {
        return call("WalletTransactions", Map.of("first", first), token).map(data -> {
            var items = new ArrayList<Tx>();
            for (var wallet : me(data).getJsonObject("defaultAccount").getJsonArray("wallets")) {
                var w = wallet.asJsonObject();
                var connection = w.getJsonObject("transactions");
                if (connection == null) {
                    continue;
                }
                for (var edge : connection.getJsonArray("edges")) {
                    items.add(tx(edge.asJsonObject().getJsonObject("node"), w.getString("id")));
                }
            }
            return List.copyOf(items);
        });
    }

    /** Details Flash keeps apart from the list (memo, fee, invoice); null when Flash has none. */
    @Timeout(5000)
    @Retry(maxRetries = 1, delay = 200, abortOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 30000,
            skipOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    public Uni<TxDetails> transactionDetails(String token, String transactionId) {
        return call("TransactionDetails", Map.of("input", Map.of("transactionId", transactionId)), token)
                .map(data -> {
                    var payload = data.getJsonObject("transactionDetails");
                    if (payload == null || payload.isNull("transactionDetails")) {
                        return null;
                    }
                    var d = payload.getJsonObject("transactionDetails");
                    return new TxDetails(string(d, "id"), string(d, "memo"), decimal(d, "fee"), string(d, "invoice"),
                            string(d, "status"), string(d, "type"));
                });
    }

    /** An invoice on the user's USD wallet for {@code cents} US cents ({@code lnUsdInvoiceCreate}). */
    @Timeout(8000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 30000,
            skipOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    public Uni<Invoice> usdInvoice(String token, String walletId, long cents, String memo, int expiresInMinutes) {
        return invoice("LnUsdInvoiceCreate", "lnUsdInvoiceCreate", invoiceInput(walletId, cents, memo,
                expiresInMinutes), token);
    }

    /** An invoice on the user's BTC wallet for {@code sats} ({@code lnInvoiceCreate}). */
    @Timeout(8000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 30000,
            skipOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    public Uni<Invoice> satsInvoice(String token, String walletId, long sats, String memo, int expiresInMinutes) {
        return invoice("LnInvoiceCreate", "lnInvoiceCreate", invoiceInput(walletId, sats, memo, expiresInMinutes),
                token);
    }

    /** An invoice without amount: the payer chooses ({@code lnNoAmountInvoiceCreate}). */
    @Timeout(8000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 30000,
            skipOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    public Uni<Invoice> noAmountInvoice(String token, String walletId, String memo, int expiresInMinutes) {
        return invoice("LnNoAmountInvoiceCreate", "lnNoAmountInvoiceCreate",
                invoiceInput(walletId, null, memo, expiresInMinutes), token);
    }

    /** The default wallet of a Flash username in a currency; null when the username does not exist. */
    @Timeout(5000)
    @Retry(maxRetries = 2, delay = 200, jitter = 100,
            abortOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 30000,
            skipOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    public Uni<PublicWallet> walletOf(String username, String walletCurrency) {
        var variables = new HashMap<String, Object>();
        variables.put("username", username);
        if (walletCurrency != null) {
            variables.put("walletCurrency", walletCurrency);
        }
        return call("AccountDefaultWallet", variables, null)
                .map(data -> {
                    var wallet = data.getJsonObject("accountDefaultWallet");
                    return wallet == null ? null : new PublicWallet(wallet.getString("id"),
                            wallet.getString("walletCurrency"));
                })
                // Flash throws for an unknown username (and rejects an invalid one): an answer, not an outage
                .onFailure(FlashRejectedException.class).recoverWithNull();
    }

    /** Sends US cents to another Flash wallet; the idempotency key makes a retry return the first result. */
    @Timeout(15000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 30000,
            skipOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    public Uni<PaymentOutcome> sendUsd(String token, String walletId, String recipientWalletId, long cents,
                                       String memo, String idempotencyKey) {
        var input = paymentInput(walletId, memo, idempotencyKey);
        input.put("recipientWalletId", recipientWalletId);
        input.put("amount", cents);
        return payment("IntraLedgerUsdPaymentSend", "intraLedgerUsdPaymentSend", input, token);
    }

    /** Sends sats to another Flash wallet from the BTC wallet. */
    @Timeout(15000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 30000,
            skipOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    public Uni<PaymentOutcome> sendSats(String token, String walletId, String recipientWalletId, long sats,
                                        String memo, String idempotencyKey) {
        var input = paymentInput(walletId, memo, idempotencyKey);
        input.put("recipientWalletId", recipientWalletId);
        input.put("amount", sats);
        return payment("IntraLedgerPaymentSend", "intraLedgerPaymentSend", input, token);
    }

    /** Pays a Lightning invoice (amount from the invoice). */
    @Timeout(30000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 30000,
            skipOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    public Uni<PaymentOutcome> payInvoice(String token, String walletId, String paymentRequest, String memo,
                                          String idempotencyKey) {
        var input = paymentInput(walletId, memo, idempotencyKey);
        input.put("paymentRequest", paymentRequest);
        return payment("LnInvoicePaymentSend", "lnInvoicePaymentSend", input, token);
    }

    /** Pays a Lightning invoice without an amount with {@code sats} from the BTC wallet (idempotency key). */
    @Timeout(30000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 30000,
            skipOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    public Uni<PaymentOutcome> payNoAmountInvoiceSats(String token, String walletId, String paymentRequest, long sats,
                                                      String memo, String idempotencyKey) {
        var input = paymentInput(walletId, memo, idempotencyKey);
        input.put("paymentRequest", paymentRequest);
        input.put("amount", sats);
        return payment("LnNoAmountInvoicePaymentSend", "lnNoAmountInvoicePaymentSend", input, token);
    }

    /**
     * Pays a Lightning invoice without an amount with {@code cents} from the USD wallet. Flash's input has NO
     * idempotency key here: the caller must make sure this is called at most once per payment.
     */
    @Timeout(30000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 30000,
            skipOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    public Uni<PaymentOutcome> payNoAmountInvoiceUsd(String token, String walletId, String paymentRequest, long cents,
                                                     String memo) {
        var input = paymentInput(walletId, memo, null);
        input.remove("idempotencyKey");
        input.put("paymentRequest", paymentRequest);
        input.put("amount", cents);
        return payment("LnNoAmountUsdInvoicePaymentSend", "lnNoAmountUsdInvoicePaymentSend", input, token);
    }

    /**
     * Flash's Lightning fee for paying {@code paymentRequest} from this wallet: {@code lnInvoiceFeeProbe} /
     * {@code lnUsdInvoiceFeeProbe} for an invoice with an amount ({@code amount} null), the no-amount probes with
     * {@code amount} (sats for BTC, cents for USD) otherwise. Moves no money; a short timeout because the
     * confirmation card waits for it (the caller shows the card without the fee when this fails).
     */
    @Timeout(3000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 30000,
            skipOn = {FlashRejectedException.class, FlashUnauthenticatedException.class})
    public Uni<FeeQuote> feeProbe(String token, String walletId, String walletCurrency, String paymentRequest,
                                  Long amount) {
        var usd = !"BTC".equals(walletCurrency);
        var operation = "Ln" + (amount == null ? "" : "NoAmount") + (usd ? "Usd" : "") + "InvoiceFeeProbe";
        var field = Character.toLowerCase(operation.charAt(0)) + operation.substring(1);
        var input = new HashMap<String, Object>();
        input.put("walletId", walletId);
        input.put("paymentRequest", paymentRequest);
        if (amount != null) {
            input.put("amount", amount);
        }
        return call(operation, Map.of("input", input), token).map(data -> {
            var payload = data.getJsonObject(field);
            if (payload == null) {
                throw new FlashUnavailableException("Flash answered without a payload", null);
            }
            var errors = payload.getJsonArray("errors");
            if (errors != null && !errors.isEmpty()) {
                var first = errors.getJsonObject(0);
                return new FeeQuote(null, code(string(first, "code")), string(first, "message"));
            }
            var fee = decimal(payload, "amount");
            if (fee == null) {
                throw new FlashUnavailableException("Flash answered a fee probe without an amount", null);
            }
            return new FeeQuote(fee.setScale(0, java.math.RoundingMode.CEILING).longValueExact(), null, null);
        }).onFailure(FlashRejectedException.class).recoverWithItem(e -> {
            // a top-level refusal (bad input) is an answer about this payment, not an outage
            var rejected = (FlashRejectedException) e;
            return new FeeQuote(null, code(rejected.code()), rejected.getMessage());
        });
    }

    // ------------------------------------------------------------------ helpers

    private Uni<JsonObject> call(String operation, Map<String, Object> variables, String token) {
        return api.execute(operation, variables, token);
    }

    private Uni<Invoice> invoice(String operation, String field, Map<String, Object> input, String token) {
        return call(operation, Map.of("input", input), token).map(data -> {
            var payload = data.getJsonObject(field);
            rejectOnErrors(payload);
            var invoice = payload.getJsonObject("invoice");
            if (invoice == null) {
                throw new FlashRejectedException(null, "Flash created no invoice");
            }
            var sats = invoice.get("satoshis") instanceof JsonNumber n ? n.longValue() : null;
            return new Invoice(invoice.getString("paymentRequest"), string(invoice, "paymentHash"), sats);
        });
    }

    private Uni<PaymentOutcome> payment(String operation, String field, Map<String, Object> input, String token) {
        return call(operation, Map.of("input", input), token).map(data -> {
            var payload = data.getJsonObject(field);
            var status = string(payload, "status");
            var errors = payload.getJsonArray("errors");
            if (errors != null && !errors.isEmpty()) {
                var first = errors.getJsonObject(0);
                return new PaymentOutcome(status == null ? "FAILURE" : status,
                        code(string(first, "code")), string(first, "message"));
            }
            if ("FAILURE".equals(status)) {
                return new PaymentOutcome(status, "FAILURE", "Flash reported a failed payment");
            }
            return new PaymentOutcome(status, null, null);
        }).onFailure(FlashRejectedException.class).recoverWithItem(e -> {
            // a top-level GraphQL refusal (bad input) is an answer about this payment, not an outage
            var rejected = (FlashRejectedException) e;
            Log.infof("Flash refused %s: %s", operation, rejected.code());
            return new PaymentOutcome("FAILURE", code(rejected.code()), rejected.getMessage());
        });
    }

    private static String code(String code) {
        return code == null ? "UNKNOWN" : code;
    }

    private static Map<String, Object> invoiceInput(String walletId, Long amount, String memo, int expiresIn) {
        var input = new HashMap<String, Object>();
        input.put("walletId", walletId);
        if (amount != null) {
            input.put("amount", amount);
        }
        if (memo != null && !memo.isBlank()) {
            input.put("memo", memo);
        }
        input.put("expiresIn", expiresIn);
        return input;
    }

    private static Map<String, Object> paymentInput(String walletId, String memo, String idempotencyKey) {
        var input = new HashMap<String, Object>();
        input.put("walletId", walletId);
        if (memo != null && !memo.isBlank()) {
            input.put("memo", memo);
        }
        input.put("idempotencyKey", idempotencyKey);
        return input;
    }

    private static void rejectOnErrors(JsonObject payload) {
        if (payload == null) {
            throw new FlashUnavailableException("Flash answered without a payload", null);
        }
        var errors = payload.getJsonArray("errors");
        if (errors != null && !errors.isEmpty()) {
            var first = errors.getJsonObject(0);
            throw new FlashRejectedException(string(first, "code"), string(first, "message"));
        }
    }

    private static JsonObject me(JsonObject data) {
        if (data.isNull("me")) {
            throw new FlashUnauthenticatedException("Flash returned no user for the token");
        }
        return data.getJsonObject("me");
    }

    static Tx tx(JsonObject node, String walletId) {
        var counterparty = counterparty(node.getJsonObject("settlementVia"));
        if (counterparty == null) {
            counterparty = counterparty(node.getJsonObject("initiationVia"));
        }
        var via = node.getJsonObject("settlementVia") == null ? null
                : string(node.getJsonObject("settlementVia"), "__typename");
        var created = node.get("createdAt") instanceof JsonNumber n ? Instant.ofEpochSecond(n.longValue()) : null;
        var amount = decimal(node, "settlementAmount");
        var fee = decimal(node, "settlementFee");
        return new Tx(node.getString("id"), created, string(node, "direction"), string(node, "status"),
                string(node, "memo"), amount == null ? 0 : amount.longValue(), fee == null ? 0 : fee.abs().longValue(),
                string(node, "settlementCurrency"), decimal(node, "settlementDisplayAmount"),
                string(node, "settlementDisplayCurrency"), counterparty, via, walletId);
    }

    private static String counterparty(JsonObject via) {
        if (via == null) {
            return null;
        }
        var name = string(via, "counterPartyUsername");
        return name == null || name.isBlank() ? null : name;
    }

    static String string(JsonObject object, String key) {
        var value = object.get(key);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        return value instanceof JsonString s ? s.getString() : value.toString();
    }

    static BigDecimal decimal(JsonObject object, String key) {
        var value = object.get(key);
        if (value instanceof JsonNumber n) {
            return n.bigDecimalValue();
        }
        if (value instanceof JsonString s) {
            try {
                return new BigDecimal(s.getString());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
