package com.flashapp.whatsapp.sandbox.flash;

import com.flashapp.whatsapp.sandbox.flash.FlashModel.Invoice;
import com.flashapp.whatsapp.sandbox.flash.FlashModel.Tx;
import com.flashapp.whatsapp.sandbox.flash.FlashModel.User;
import com.flashapp.whatsapp.sandbox.flash.FlashModel.Wallet;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the maps that graphql-java resolves (keys = schema field names, {@code __typename} for abstract types). */
final class FlashViews {

    static final String TYPENAME = "__typename";
    private static final int PRICE_OFFSET = 12;

    private FlashViews() {
    }

    static Map<String, Object> appError(String code, String message) {
        var error = new HashMap<String, Object>();
        error.put(TYPENAME, "GraphQLApplicationError");
        error.put("code", code);
        error.put("message", message);
        error.put("path", null);
        return error;
    }

    static String maskPhone(String phone) {
        if (phone == null || phone.length() < 5) {
            return "***";
        }
        return phone.substring(0, 3) + "*****" + phone.substring(phone.length() - 2);
    }

    static Map<String, Object> authPayload(String token, String code, String message) {
        var payload = new HashMap<String, Object>();
        payload.put("authToken", token);
        payload.put("totpRequired", token == null ? null : false);
        payload.put("errors", code == null ? List.of() : List.of(appError(code, message)));
        return payload;
    }

    static Map<String, Object> user(User user, Map<String, Object> price) {
        var view = new HashMap<String, Object>();
        view.put("id", user.id);
        view.put("phone", user.phone);
        view.put("username", user.username);
        view.put("language", "");
        view.put("createdAt", user.createdAt);
        view.put("totpEnabled", false);
        view.put("contacts", List.of());
        view.put("defaultAccount", account(user, price));
        return view;
    }

    static Map<String, Object> account(User user, Map<String, Object> price) {
        var view = new HashMap<String, Object>();
        view.put(TYPENAME, "ConsumerAccount");
        view.put("id", user.accountId);
        view.put("defaultWalletId", user.defaultWalletId);
        view.put("displayCurrency", user.displayCurrency);
        view.put("level", "ONE");
        view.put("wallets", List.of(wallet(user.btc), wallet(user.usd)));
        view.put("realtimePrice", price);
        view.put("callbackEndpoints", List.of());
        return view;
    }

    static Map<String, Object> wallet(Wallet wallet) {
        var view = new HashMap<String, Object>();
        view.put(TYPENAME, "BTC".equals(wallet.currency) ? "BTCWallet" : "UsdWallet");
        view.put("id", wallet.id);
        view.put("accountId", wallet.accountId);
        view.put("walletCurrency", wallet.currency);
        view.put("balance", wallet.balance);
        view.put("pendingIncomingBalance", 0L);
        view.put("isExternal", false);
        view.put("lnurlp", null);
        return view;
    }

    static Map<String, Object> publicWallet(Wallet wallet, String username) {
        var view = new HashMap<String, Object>();
        view.put("id", wallet.id);
        view.put("walletCurrency", wallet.currency);
        view.put("lnurlp", "lnurlp://" + username + "@flashapp.me");
        return view;
    }

    static Map<String, Object> control(User user) {
        var view = new LinkedHashMap<String, Object>();
        view.put("id", user.id);
        view.put("accountId", user.accountId);
        view.put("phone", user.phone);
        view.put("username", user.username);
        view.put("displayCurrency", user.displayCurrency);
        view.put("defaultWalletId", user.defaultWalletId);
        view.put("btcWalletId", user.btc.id);
        view.put("usdWalletId", user.usd.id);
        view.put("btcSats", user.btc.balance);
        view.put("usdCents", user.usd.balance);
        view.put("wallets", List.of(
                Map.of("id", user.btc.id, "walletCurrency", "BTC", "balance", user.btc.balance),
                Map.of("id", user.usd.id, "walletCurrency", "USD", "balance", user.usd.balance)));
        return view;
    }

    static Map<String, Object> realtimePrice(String currency, long timestamp, BigDecimal perSat, BigDecimal perUsdCent) {
        var view = new HashMap<String, Object>();
        view.put(TYPENAME, "RealtimePrice");
        view.put("id", currency + "-" + timestamp);
        view.put("timestamp", timestamp);
        view.put("denominatorCurrency", currency);
        view.put("btcSatPrice", priceOf(perSat, currency));
        view.put("usdCentPrice", priceOf(perUsdCent, currency));
        return view;
    }

    private static Map<String, Object> priceOf(BigDecimal value, String currency) {
        var view = new HashMap<String, Object>();
        view.put("base", value.movePointRight(PRICE_OFFSET).setScale(0, RoundingMode.HALF_EVEN).longValueExact());
        view.put("offset", PRICE_OFFSET);
        view.put("currencyUnit", currency);
        view.put("formattedAmount", value.stripTrailingZeros().toPlainString());
        return view;
    }

    static Map<String, Object> connection(List<Map<String, Object>> edges, boolean hasNext, boolean hasPrevious) {
        var pageInfo = new HashMap<String, Object>();
        pageInfo.put("hasNextPage", hasNext);
        pageInfo.put("hasPreviousPage", hasPrevious);
        pageInfo.put("startCursor", edges.isEmpty() ? null : edges.get(0).get("cursor"));
        pageInfo.put("endCursor", edges.isEmpty() ? null : edges.get(edges.size() - 1).get("cursor"));
        var view = new HashMap<String, Object>();
        view.put("edges", edges);
        view.put("pageInfo", pageInfo);
        return view;
    }

    static Map<String, Object> edge(Tx tx, String displayCurrency, BigDecimal displayPerMinor) {
        var node = new HashMap<String, Object>();
        node.put("id", tx.id());
        node.put("createdAt", tx.createdAt());
        node.put("direction", tx.direction());
        node.put("status", "SUCCESS");
        node.put("memo", tx.memo());
        node.put("settlementAmount", tx.amount());
        node.put("settlementFee", 0L);
        node.put("settlementCurrency", tx.currency());
        var displayMinor = displayPerMinor.multiply(BigDecimal.valueOf(tx.amount()));
        node.put("settlementDisplayAmount", displayMinor.movePointLeft(2).setScale(2, RoundingMode.HALF_EVEN).toPlainString());
        node.put("settlementDisplayFee", "0.00");
        node.put("settlementDisplayCurrency", displayCurrency);
        var price = new HashMap<String, Object>();
        price.put("base", displayPerMinor.movePointRight(PRICE_OFFSET).setScale(0, RoundingMode.HALF_EVEN).longValue());
        price.put("offset", PRICE_OFFSET);
        price.put("currencyUnit", displayCurrency);
        price.put("formattedAmount", displayPerMinor.stripTrailingZeros().toPlainString());
        node.put("settlementPrice", price);
        if ("IntraLedger".equals(tx.via())) {
            node.put("initiationVia", Map.of(TYPENAME, "InitiationViaIntraLedger",
                    "counterPartyUsername", nullable(tx.counterPartyUsername()),
                    "counterPartyWalletId", nullable(tx.counterPartyWalletId())));
            node.put("settlementVia", Map.of(TYPENAME, "SettlementViaIntraLedger",
                    "counterPartyUsername", nullable(tx.counterPartyUsername()),
                    "counterPartyWalletId", nullable(tx.counterPartyWalletId())));
        } else {
            node.put("initiationVia", Map.of(TYPENAME, "InitiationViaLn", "paymentHash", nullable(tx.paymentHash())));
            node.put("settlementVia", Map.of(TYPENAME, "SettlementViaLn", "preImage", nullable(tx.preImage())));
        }
        var edge = new HashMap<String, Object>();
        edge.put("cursor", tx.id());
        edge.put("node", node);
        return edge;
    }

    private static Object nullable(Object value) {
        return value == null ? "" : value;
    }

    static Map<String, Object> invoicePayload(Invoice invoice, String code, String message) {
        var payload = new HashMap<String, Object>();
        payload.put("errors", code == null ? List.of() : List.of(appError(code, message)));
        if (invoice != null) {
            var view = new HashMap<String, Object>();
            view.put("paymentRequest", invoice.paymentRequest);
            view.put("paymentHash", invoice.paymentHash);
            view.put("paymentSecret", invoice.paymentSecret);
            view.put("satoshis", invoice.sats);
            payload.put("invoice", view);
        } else {
            payload.put("invoice", null);
        }
        return payload;
    }

    static Map<String, Object> lnUpdate(String paymentHash, String status, String walletId) {
        var view = new HashMap<String, Object>();
        view.put(TYPENAME, "LnUpdate");
        view.put("paymentHash", paymentHash);
        view.put("status", status);
        view.put("walletId", walletId);
        return view;
    }

    static Map<String, Object> intraLedgerUpdate(String type, long amount, String walletId, double displayPerSat,
                                                 double usdPerSat) {
        var view = new HashMap<String, Object>();
        view.put(TYPENAME, "IntraLedgerUpdate");
        view.put("txNotificationType", type);
        view.put("amount", amount);
        view.put("walletId", walletId);
        view.put("displayCurrencyPerSat", displayPerSat);
        view.put("usdPerSat", usdPerSat);
        return view;
    }
}
