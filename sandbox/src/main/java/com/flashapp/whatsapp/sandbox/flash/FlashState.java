package com.flashapp.whatsapp.sandbox.flash;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.flashapp.whatsapp.sandbox.config.SandboxConfig;
import com.flashapp.whatsapp.sandbox.flash.FlashModel.Invoice;
import com.flashapp.whatsapp.sandbox.flash.FlashModel.Otp;
import com.flashapp.whatsapp.sandbox.flash.FlashModel.Tx;
import com.flashapp.whatsapp.sandbox.flash.FlashModel.User;
import com.flashapp.whatsapp.sandbox.flash.FlashModel.Wallet;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The whole simulated Flash backend: users, wallets, transactions, login codes, sessions, invoices and prices.
 * Everything is in memory and guarded by this object's monitor (it is tiny and never blocks on I/O).
 */
@ApplicationScoped
public class FlashState {

    /** Seed or control-API description of a user. */
    public record UserSpec(String phone, String username, Long btcSats, Long usdCents, String displayCurrency) {
    }

    /** Outcome of a payment mutation: empty errors and a status, or errors with status FAILURE. */
    public record PaymentResult(String status, List<Map<String, Object>> errors, String receiverTxId) {
        static PaymentResult success(String receiverTxId) {
            return new PaymentResult("SUCCESS", List.of(), receiverTxId);
        }

        static PaymentResult failure(String code, String message) {
            return new PaymentResult("FAILURE", List.of(FlashViews.appError(code, message)), null);
        }
    }

    private static final Map<String, BigDecimal> DEFAULT_UNITS_PER_USD = Map.of(
            "USD", BigDecimal.ONE, "JMD", new BigDecimal("157.25"), "EUR", new BigDecimal("0.92"),
            "GBP", new BigDecimal("0.79"), "CAD", new BigDecimal("1.37"), "TTD", new BigDecimal("6.78"),
            "XCD", new BigDecimal("2.70"), "KYD", new BigDecimal("0.83"));

    private final SandboxConfig config;
    private final FlashEvents events;
    private final ObjectMapper mapper;
    private final Clock clock = Clock.systemUTC();
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong txSequence = new AtomicLong();

    private final Map<String, User> usersByPhone = new LinkedHashMap<>();
    private final Map<String, Wallet> wallets = new HashMap<>();
    private final List<Tx> transactions = new ArrayList<>();
    private final Map<String, Otp> otps = new HashMap<>();
    private final Map<String, List<Instant>> codeRequests = new HashMap<>();
    private final Map<String, String> sessions = new HashMap<>();
    private final Map<String, Invoice> invoices = new HashMap<>();
    private final Map<String, PaymentResult> idempotent = new HashMap<>();
    private final Map<String, Long> invoiceCounters = new HashMap<>();
    private final Map<String, BigDecimal> unitsPerUsd = new HashMap<>(DEFAULT_UNITS_PER_USD);
    private long btcUsdPrice;

    public FlashState(SandboxConfig config, FlashEvents events, ObjectMapper mapper) {
        this.config = config;
        this.events = events;
        this.mapper = mapper;
        reset();
    }

    // ------------------------------------------------------------------ users and seed

    /** Drops every user, session, code and invoice and loads the seed file again. */
    public synchronized void reset() {
        usersByPhone.clear();
        wallets.clear();
        transactions.clear();
        otps.clear();
        codeRequests.clear();
        sessions.clear();
        invoices.clear();
        idempotent.clear();
        invoiceCounters.clear();
        unitsPerUsd.clear();
        unitsPerUsd.putAll(DEFAULT_UNITS_PER_USD);
        btcUsdPrice = config.flash().btcUsdPrice();
        for (var spec : loadSeed()) {
            upsertUser(spec);
        }
    }

    private List<UserSpec> loadSeed() {
        var location = config.flash().seedFile();
        try {
            var path = Path.of(location);
            if (Files.isRegularFile(path)) {
                return List.of(mapper.readValue(Files.readString(path, StandardCharsets.UTF_8), UserSpec[].class));
            }
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(location)) {
                if (in == null) {
                    Log.warnf("Seed file %s not found; starting with no users", location);
                    return List.of();
                }
                return List.of(mapper.readValue(in, UserSpec[].class));
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read seed file " + location, e);
        }
    }

    /** Creates the user for that phone or resets its username, balances and display currency (ids are kept). */
    public synchronized Map<String, Object> upsertUser(UserSpec spec) {
        var phone = spec.phone();
        if (phone == null || !FlashScalars.PHONE.matcher(phone).matches()) {
            throw new IllegalArgumentException("phone must be E.164, e.g. +18765550123");
        }
        var username = spec.username() == null ? null : spec.username().toLowerCase(Locale.ROOT);
        if (username != null && !FlashScalars.USERNAME.matcher(username).matches()) {
            throw new IllegalArgumentException("username must be 3-50 letters, digits or _");
        }
        if (username != null) {
            var owner = findByUsername(username);
            if (owner.isPresent() && !owner.get().phone.equals(phone)) {
                throw new IllegalArgumentException("username " + username + " belongs to another user");
            }
        }
        var currency = spec.displayCurrency() == null ? "USD" : spec.displayCurrency().toUpperCase(Locale.ROOT);
        if (!unitsPerUsd.containsKey(currency)) {
            throw new IllegalArgumentException("displayCurrency must be one of " + unitsPerUsd.keySet());
        }
        long sats = spec.btcSats() == null ? 0 : spec.btcSats();
        long cents = spec.usdCents() == null ? 0 : spec.usdCents();
        if (sats < 0 || cents < 0) {
            throw new IllegalArgumentException("balances must not be negative");
        }
        var user = usersByPhone.computeIfAbsent(phone, this::newUser);
        user.username = username;
        user.displayCurrency = currency;
        user.btc.balance = sats;
        user.usd.balance = cents;
        transactions.removeIf(tx -> tx.accountId().equals(user.accountId));
        if (sats > 0) {
            transactions.add(externalTx(user.btc, "RECEIVE", sats, "Opening balance", null, null));
        }
        if (cents > 0) {
            transactions.add(externalTx(user.usd, "RECEIVE", cents, "Opening balance", null, null));
        }
        return FlashViews.control(user);
    }

    private User newUser(String phone) {
        var id = stableId("user", phone);
        var accountId = stableId("account", phone);
        var btc = new Wallet(stableId("btc-wallet", phone), accountId, "BTC", 0);
        var usd = new Wallet(stableId("usd-wallet", phone), accountId, "USD", 0);
        wallets.put(btc.id, btc);
        wallets.put(usd.id, usd);
        return new User(id, accountId, phone, clock.instant().getEpochSecond(), btc, usd);
    }

    /** Ids derived from the phone, so the seed users keep their ids across restarts and resets. */
    private static String stableId(String kind, String phone) {
        return UUID.nameUUIDFromBytes((kind + ":" + phone).getBytes(StandardCharsets.UTF_8)).toString();
    }

    public synchronized List<Map<String, Object>> users() {
        return usersByPhone.values().stream().map(FlashViews::control).toList();
    }

    public synchronized Optional<Map<String, Object>> userByPhone(String phone) {
        return Optional.ofNullable(usersByPhone.get(phone)).map(FlashViews::control);
    }

    Optional<User> findByUsername(String username) {
        if (username == null) {
            return Optional.empty();
        }
        var wanted = username.toLowerCase(Locale.ROOT);
        return usersByPhone.values().stream().filter(u -> wanted.equals(u.username)).findFirst();
    }

    synchronized Optional<User> userById(String userId) {
        return usersByPhone.values().stream().filter(u -> u.id.equals(userId)).findFirst();
    }

    private User byAccount(String accountId) {
        return usersByPhone.values().stream().filter(u -> u.accountId.equals(accountId)).findFirst().orElseThrow();
    }

    // ------------------------------------------------------------------ login

    boolean registrationRequiresAuth() {
        return config.flash().registrationInitiateRequiresAuth();
    }

    /** Records a new 6-digit code for the phone (what Twilio Verify would send); false when rate-limited. */
    public synchronized boolean sendCode(String phone, String channel) {
        var hourAgo = clock.instant().minus(Duration.ofHours(1));
        var requests = codeRequests.computeIfAbsent(phone, p -> new ArrayList<>());
        requests.removeIf(at -> at.isBefore(hourAgo));
        if (requests.size() >= config.flash().otpRequestsPerHour()) {
            return false;
        }
        requests.add(clock.instant());
        var code = String.format("%06d", random.nextInt(1_000_000));
        otps.put(phone, new Otp(phone, code, channel == null ? "SMS" : channel,
                clock.instant().plus(config.flash().otpTtl())));
        Log.infof("Flash sandbox: login code issued for %s via %s", FlashViews.maskPhone(phone), channel);
        return true;
    }

    /**
     * What the Flash app does when the user chooses <i>Log in</i> with {@code phone} and taps <i>Send code</i>: Flash
     * issues a login code for the phone by SMS, the same code {@code userLogin} checks and under the same hourly limit
     * as {@code userPhoneRegistrationInitiate}. Returns the code as the phone receives it, or empty when that limit is
     * reached. The app's own sign-in needs no session, so this works even with
     * {@code registration-initiate-requires-auth}.
     */
    public synchronized Optional<Map<String, Object>> appSendsCode(String phone) {
        if (phone == null || !FlashScalars.PHONE.matcher(phone).matches()) {
            throw new IllegalArgumentException("phone must be E.164, e.g. +18765550123");
        }
        if (!sendCode(phone, "SMS")) {
            return Optional.empty();
        }
        return lastCode(phone);
    }

    public synchronized Optional<Map<String, Object>> lastCode(String phone) {
        return Optional.ofNullable(otps.get(phone)).map(o -> {
            var view = new LinkedHashMap<String, Object>();
            view.put("phone", o.phone);
            view.put("code", o.code);
            view.put("channel", o.channel);
            view.put("expiresAt", o.expiresAt.toString());
            return view;
        });
    }

    /** Moves a code's expiry (tests use it to simulate the passing of time). */
    public synchronized boolean expireCode(String phone) {
        var otp = otps.get(phone);
        if (otp == null) {
            return false;
        }
        otps.put(phone, new Otp(otp.phone, otp.code, otp.channel, clock.instant().minus(Duration.ofSeconds(1))));
        return true;
    }

    /** userLogin: a session token, or the error Flash returns. Unknown phones are registered on success. */
    synchronized Map<String, Object> login(String phone, String code) {
        var otp = otps.get(phone);
        if (otp != null && otp.failedAttempts >= config.flash().otpMaxAttempts()) {
            return FlashViews.authPayload(null, "TOO_MANY_REQUEST", "Too many requests");
        }
        if (otp == null || otp.used || !otp.expiresAt.isAfter(clock.instant()) || !otp.code.equals(code)) {
            if (otp != null) {
                otp.failedAttempts++;
            }
            return FlashViews.authPayload(null, "PHONE_CODE_ERROR", "Invalid or incorrect phone code entered.");
        }
        otp.used = true;
        var user = usersByPhone.computeIfAbsent(phone, this::newUser);
        if (user.displayCurrency == null) {
            user.displayCurrency = "USD";
        }
        var token = "sandbox_" + Bolt11.hex(Bolt11.sha256(UUID.randomUUID() + ":" + random.nextLong()));
        sessions.put(token, user.id);
        return FlashViews.authPayload(token, null, null);
    }

    /** The user id behind a session token. */
    public synchronized Optional<String> session(String token) {
        return Optional.ofNullable(sessions.get(token));
    }

    synchronized void logout(String token) {
        sessions.remove(token);
    }

    // ------------------------------------------------------------------ views

    synchronized Map<String, Object> me(String userId) {
        var user = userById(userId).orElseThrow(FlashException::notAuthenticated);
        return FlashViews.user(user, price(user.displayCurrency));
    }

    synchronized Map<String, Object> price(String currency) {
        var code = currency == null ? "USD" : currency.toUpperCase(Locale.ROOT);
        var perUsd = unitsPerUsd.get(code);
        if (perUsd == null) {
            throw new FlashException("INVALID_INPUT", "Unsupported exchange unit");
        }
        // display minor units per sat = (USD per BTC * 100 cents / 1e8 sats) * display units per USD
        var perSat = BigDecimal.valueOf(btcUsdPrice).multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(100_000_000L), 20, RoundingMode.HALF_EVEN).multiply(perUsd);
        return FlashViews.realtimePrice(code, clock.instant().getEpochSecond(), perSat, perUsd);
    }

    /** Display minor units per one minor unit of the wallet currency. */
    private BigDecimal displayPerMinor(String walletCurrency, String displayCurrency) {
        var perUsd = unitsPerUsd.getOrDefault(displayCurrency, BigDecimal.ONE);
        if ("USD".equals(walletCurrency)) {
            return perUsd;
        }
        return BigDecimal.valueOf(btcUsdPrice).multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(100_000_000L), 20, RoundingMode.HALF_EVEN).multiply(perUsd);
    }

    public synchronized void setPrices(Long newBtcUsdPrice, String currency, BigDecimal perUsd) {
        if (newBtcUsdPrice != null) {
            if (newBtcUsdPrice <= 0) {
                throw new IllegalArgumentException("btcUsdPrice must be positive");
            }
            btcUsdPrice = newBtcUsdPrice;
        }
        if (currency != null) {
            if (perUsd == null || perUsd.signum() <= 0) {
                throw new IllegalArgumentException("unitsPerUsd must be positive");
            }
            unitsPerUsd.put(currency.toUpperCase(Locale.ROOT), perUsd);
        }
    }

    public synchronized Map<String, Object> prices() {
        var view = new LinkedHashMap<String, Object>();
        view.put("btcUsdPrice", btcUsdPrice);
        view.put("unitsPerUsd", new TreeMap<>(unitsPerUsd));
        return view;
    }

    /** A page of the account's transactions, newest first, filtered by wallets. */
    synchronized Map<String, Object> transactions(String accountId, List<String> walletIds, Integer first, String after,
                                                  Integer last, String before) {
        if (first != null && (first <= 0 || first > 100) || last != null && (last <= 0 || last > 100)) {
            throw new FlashException("INVALID_INPUT", "first and last must be between 1 and 100");
        }
        for (var cursor : new String[] {after, before}) {
            if (cursor != null && !cursor.matches("^[A-Fa-f0-9]{24}$")) {
                throw new FlashException("INVALID_INPUT", "Invalid cursor");
            }
        }
        var user = byAccount(accountId);
        var all = transactions.stream()
                .filter(tx -> tx.accountId().equals(accountId))
                .filter(tx -> walletIds == null || walletIds.isEmpty() || walletIds.contains(tx.walletId()))
                .sorted(Comparator.comparing(Tx::id).reversed())
                .toList();
        int from = 0;
        int to = all.size();
        if (after != null) {
            from = indexAfter(all, after);
        }
        if (before != null) {
            to = indexOf(all, before, to);
        }
        var window = all.subList(Math.min(from, to), to);
        if (first == null && last == null) {
            first = 100;
        }
        List<Tx> page = window;
        if (first != null && page.size() > first) {
            page = page.subList(0, first);
        }
        if (last != null && page.size() > last) {
            page = page.subList(page.size() - last, page.size());
        }
        boolean hasNext = all.indexOf(page.isEmpty() ? null : page.get(page.size() - 1)) < all.size() - 1 && !page.isEmpty();
        boolean hasPrevious = !page.isEmpty() && all.indexOf(page.get(0)) > 0;
        var edges = page.stream()
                .map(tx -> FlashViews.edge(tx, user.displayCurrency,
                        displayPerMinor(tx.currency(), user.displayCurrency)))
                .toList();
        return FlashViews.connection(edges, hasNext, hasPrevious);
    }

    private static int indexAfter(List<Tx> all, String cursor) {
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).id().equals(cursor)) {
                return i + 1;
            }
        }
        // cursors of newer-than-known ids: everything older than the cursor
        return (int) all.stream().filter(tx -> tx.id().compareTo(cursor) > 0).count();
    }

    private static int indexOf(List<Tx> all, String cursor, int fallback) {
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).id().equals(cursor)) {
                return i;
            }
        }
        return fallback;
    }

    // ------------------------------------------------------------------ invoices and payments

    private Wallet ownWallet(String userId, String walletId) {
        var user = userById(userId).orElseThrow(FlashException::notAuthenticated);
        var wallet = wallets.get(walletId);
        if (wallet == null || !wallet.accountId.equals(user.accountId)) {
            throw FlashException.notAuthorized();
        }
        return wallet;
    }

    /** Creates an invoice on the user's own wallet; amount in sats (BTC) or cents (USD), or none. */
    synchronized Map<String, Object> createInvoice(String userId, String walletId, String expectedCurrency,
                                                   Long sats, Long cents, String memo, Long expiresInMinutes) {
        var wallet = ownWallet(userId, walletId);
        if (expectedCurrency != null && !expectedCurrency.equals(wallet.currency)) {
            return FlashViews.invoicePayload(null, "INVALID_INPUT",
                    "Wallet must be a " + expectedCurrency + " wallet for this mutation");
        }
        if ((sats != null && sats <= 0) || (cents != null && cents <= 0)) {
            return FlashViews.invoicePayload(null, "INVALID_INPUT", "A positive amount is required");
        }
        Long invoiceSats = sats;
        if (cents != null) {
            invoiceSats = centsToSats(cents);
        }
        long n = invoiceCounters.merge(walletId, 1L, Long::sum);
        var seed = walletId + "|" + sats + "|" + cents + "|" + memo + "|" + n;
        var preImage = Bolt11.hex(Bolt11.sha256("preimage|" + seed));
        var paymentHash = Bolt11.hex(Bolt11.sha256(preImage));
        var secret = Bolt11.hex(Bolt11.sha256("secret|" + seed));
        var request = Bolt11.encode(invoiceSats, seed);
        long minutes = expiresInMinutes == null ? ("USD".equals(wallet.currency) ? 5 : 1440) : expiresInMinutes;
        var invoice = new Invoice(request, paymentHash, secret, preImage, walletId, invoiceSats, cents, memo,
                clock.instant().plus(Duration.ofMinutes(minutes)));
        invoices.put(request, invoice);
        return FlashViews.invoicePayload(invoice, null, null);
    }

    synchronized Map<String, Object> invoiceStatus(String paymentRequest) {
        var invoice = invoices.get(paymentRequest);
        var status = invoice == null ? null
                : invoice.paid ? "PAID" : invoice.expiresAt.isBefore(clock.instant()) ? "EXPIRED" : "PENDING";
        var view = new LinkedHashMap<String, Object>();
        view.put("errors", invoice == null ? List.of(FlashViews.appError("NOT_FOUND", "Invoice not found")) : List.of());
        view.put("status", status);
        return view;
    }

    private long centsToSats(long cents) {
        // sats = cents / (USD cents per sat); USD cents per sat = btcUsdPrice * 100 / 1e8
        return BigDecimal.valueOf(cents).multiply(BigDecimal.valueOf(100_000_000L))
                .divide(BigDecimal.valueOf(btcUsdPrice * 100), 0, RoundingMode.HALF_UP).longValueExact();
    }

    private long satsToCents(long sats) {
        return BigDecimal.valueOf(sats).multiply(BigDecimal.valueOf(btcUsdPrice * 100))
                .divide(BigDecimal.valueOf(100_000_000L), 0, RoundingMode.HALF_UP).longValueExact();
    }

    /** intraLedgerPaymentSend / intraLedgerUsdPaymentSend; amount in the sender wallet's unit. */
    synchronized PaymentResult intraLedgerSend(String userId, String walletId, String expectedCurrency,
                                               String recipientWalletId, long amount, String memo,
                                               String idempotencyKey) {
        var sender = ownWallet(userId, walletId);
        var key = idempotencyKey == null ? null : userId + "|" + idempotencyKey;
        if (key != null && idempotent.containsKey(key)) {
            return idempotent.get(key);
        }
        var result = doIntraLedger(sender, expectedCurrency, recipientWalletId, amount, memo);
        if (key != null) {
            idempotent.put(key, result);
        }
        return result;
    }

    private PaymentResult doIntraLedger(Wallet sender, String expectedCurrency, String recipientWalletId, long amount,
                                        String memo) {
        if (!expectedCurrency.equals(sender.currency)) {
            return PaymentResult.failure("INVALID_INPUT", "Wallet must be a " + expectedCurrency + " wallet");
        }
        if (amount <= 0) {
            return PaymentResult.failure("INVALID_INPUT", "Amount must be greater than zero");
        }
        var recipient = wallets.get(recipientWalletId);
        if (recipient == null) {
            return PaymentResult.failure("NOT_FOUND", "Couldn't find wallet for specified id");
        }
        if (recipient.accountId.equals(sender.accountId)) {
            return PaymentResult.failure("CANT_PAY_SELF", "User tried to pay themselves");
        }
        if (sender.balance < amount) {
            return PaymentResult.failure("INSUFFICIENT_BALANCE", String.format(
                    "Payment amount '%d' exceeds balance '%d'", amount, sender.balance));
        }
        long credited = convert(amount, sender.currency, recipient.currency);
        var receiverTx = move(sender, recipient, amount, credited, memo, "IntraLedger", null, null);
        return PaymentResult.success(receiverTx);
    }

    private long convert(long amount, String from, String to) {
        if (from.equals(to)) {
            return amount;
        }
        return "BTC".equals(from) ? satsToCents(amount) : centsToSats(amount);
    }

    /** Debits, credits, records both sides and emits the updates; returns the receiver's transaction id. */
    private String move(Wallet sender, Wallet recipient, long debit, long credit, String memo, String via,
                        String paymentHash, String preImage) {
        var payer = byAccount(sender.accountId);
        var payee = byAccount(recipient.accountId);
        sender.balance -= debit;
        recipient.balance += credit;
        var now = clock.instant().getEpochSecond();
        transactions.add(new Tx(nextTxId(), sender.id, sender.accountId, now, "SEND", -debit, sender.currency, memo,
                via, payee.username, recipient.id, paymentHash, preImage));
        var receiverTxId = nextTxId();
        transactions.add(new Tx(receiverTxId, recipient.id, recipient.accountId, now, "RECEIVE", credit,
                recipient.currency, memo, via, payer.username, sender.id, paymentHash, preImage));
        if ("Ln".equals(via)) {
            events.publish(payee.id, FlashViews.lnUpdate(paymentHash, "PAID", recipient.id));
        } else {
            events.publish(payee.id, intraLedgerUpdate("IntraLedgerReceipt", credit, recipient, payee));
            events.publish(payer.id, intraLedgerUpdate("IntraLedgerPayment", debit, sender, payer));
        }
        events.accountWebhook(payee.accountId, "Ln".equals(via) ? "receive.lightning" : "receive.intraledger",
                receiverTxId, paymentHash);
        return receiverTxId;
    }

    private Map<String, Object> intraLedgerUpdate(String type, long amount, Wallet wallet, User user) {
        var perSat = displayPerMinor("BTC", user.displayCurrency)
                .divide(BigDecimal.valueOf(100), 20, RoundingMode.HALF_EVEN);
        var usdPerSat = displayPerMinor("BTC", "USD").divide(BigDecimal.valueOf(100), 20, RoundingMode.HALF_EVEN);
        return FlashViews.intraLedgerUpdate(type, amount, wallet.id, perSat.doubleValue(), usdPerSat.doubleValue());
    }

    /** lnInvoicePaymentSend: pays a sandbox invoice (moving balances) or an outside one (debit only). */
    synchronized PaymentResult payInvoice(String userId, String walletId, String paymentRequest, String memo,
                                          String idempotencyKey) {
        var sender = ownWallet(userId, walletId);
        var key = idempotencyKey == null ? null : userId + "|" + idempotencyKey;
        if (key != null && idempotent.containsKey(key)) {
            return idempotent.get(key);
        }
        var result = doPayInvoice(sender, paymentRequest, memo);
        if (key != null) {
            idempotent.put(key, result);
        }
        return result;
    }

    private PaymentResult doPayInvoice(Wallet sender, String paymentRequest, String memo) {
        if (!Bolt11.looksValid(paymentRequest)) {
            return PaymentResult.failure("INVOICE_DECODE_ERROR", "Invalid invoice");
        }
        var invoice = invoices.get(paymentRequest.toLowerCase(Locale.ROOT));
        if (invoice != null) {
            if (invoice.paid) {
                return new PaymentResult("ALREADY_PAID", List.of(), null);
            }
            if (invoice.expiresAt.isBefore(clock.instant())) {
                return PaymentResult.failure("LIGHTNING_PAYMENT_ERROR", "Invoice has expired");
            }
            var recipient = wallets.get(invoice.walletId);
            if (recipient.accountId.equals(sender.accountId)) {
                return PaymentResult.failure("CANT_PAY_SELF", "User tried to pay themselves");
            }
            if (invoice.sats == null) {
                return PaymentResult.failure("INVALID_INPUT", "Invoice has no amount; use a no-amount payment");
            }
            long credit = "USD".equals(recipient.currency) && invoice.cents != null ? invoice.cents
                    : convert(invoice.sats, "BTC", recipient.currency);
            long debit = "BTC".equals(sender.currency) ? invoice.sats : "USD".equals(recipient.currency)
                    ? credit : satsToCents(invoice.sats);
            if (sender.balance < debit) {
                return PaymentResult.failure("INSUFFICIENT_BALANCE", String.format(
                        "Payment amount '%d' exceeds balance '%d'", debit, sender.balance));
            }
            invoice.paid = true;
            events.invoicePaid(invoice.paymentRequest);
            var txId = move(sender, recipient, debit, credit, memo == null ? invoice.memo : memo, "Ln",
                    invoice.paymentHash, invoice.preImage);
            return PaymentResult.success(txId);
        }
        var sats = Bolt11.amountSats(paymentRequest);
        if (sats.isEmpty() || sats.getAsLong() <= 0) {
            return PaymentResult.failure("INVALID_INPUT", "Invoice has no amount; use a no-amount payment");
        }
        long debit = "BTC".equals(sender.currency) ? sats.getAsLong() : satsToCents(sats.getAsLong());
        if (sender.balance < debit) {
            return PaymentResult.failure("INSUFFICIENT_BALANCE", String.format(
                    "Payment amount '%d' exceeds balance '%d'", debit, sender.balance));
        }
        sender.balance -= debit;
        var hash = Bolt11.hex(Bolt11.sha256(paymentRequest));
        transactions.add(new Tx(nextTxId(), sender.id, sender.accountId, clock.instant().getEpochSecond(), "SEND",
                -debit, sender.currency, memo, "Ln", null, null, hash, Bolt11.hex(Bolt11.sha256("pre|" + hash))));
        return PaymentResult.success(null);
    }

    /**
     * An invoice of an outside wallet (LNURL-pay callback): valid BOLT11 shape, never registered, so paying it is
     * an external Lightning payment (debit only).
     */
    public String outsideInvoice(long sats, String seed) {
        return Bolt11.encode(sats, "outside|" + seed);
    }

    /**
     * lnNoAmountInvoicePaymentSend (sats from the BTC wallet) / lnNoAmountUsdInvoicePaymentSend (cents from the USD
     * wallet): pays an invoice without an amount with the amount given, a sandbox invoice moving balances, an
     * outside one debited only. {@code idempotencyKey} only exists on the BTC mutation.
     */
    synchronized PaymentResult payNoAmountInvoice(String userId, String walletId, String expectedCurrency,
                                                  String paymentRequest, Long amount, String memo,
                                                  String idempotencyKey) {
        var sender = ownWallet(userId, walletId);
        var key = idempotencyKey == null ? null : userId + "|" + idempotencyKey;
        if (key != null && idempotent.containsKey(key)) {
            return idempotent.get(key);
        }
        var result = doPayNoAmount(sender, expectedCurrency, paymentRequest, amount == null ? 0 : amount, memo);
        if (key != null) {
            idempotent.put(key, result);
        }
        return result;
    }

    private PaymentResult doPayNoAmount(Wallet sender, String expectedCurrency, String paymentRequest, long amount,
                                        String memo) {
        if (!expectedCurrency.equals(sender.currency)) {
            return PaymentResult.failure("INVALID_INPUT", "Wallet must be a " + expectedCurrency + " wallet");
        }
        if (amount <= 0) {
            return PaymentResult.failure("INVALID_INPUT", "Amount must be greater than zero");
        }
        if (!Bolt11.looksValid(paymentRequest)) {
            return PaymentResult.failure("INVOICE_DECODE_ERROR", "Invalid invoice");
        }
        var invoice = invoices.get(paymentRequest.toLowerCase(Locale.ROOT));
        if (invoice != null ? invoice.sats != null : Bolt11.amountSats(paymentRequest).isPresent()) {
            return PaymentResult.failure("INVALID_INPUT", "Invoice has an amount; use lnInvoicePaymentSend");
        }
        if (sender.balance < amount) {
            return PaymentResult.failure("INSUFFICIENT_BALANCE", String.format(
                    "Payment amount '%d' exceeds balance '%d'", amount, sender.balance));
        }
        if (invoice == null) {
            sender.balance -= amount;
            var hash = Bolt11.hex(Bolt11.sha256(paymentRequest + "|" + transactions.size()));
            transactions.add(new Tx(nextTxId(), sender.id, sender.accountId, clock.instant().getEpochSecond(), "SEND",
                    -amount, sender.currency, memo, "Ln", null, null, hash, Bolt11.hex(Bolt11.sha256("pre|" + hash))));
            return PaymentResult.success(null);
        }
        if (invoice.paid) {
            return new PaymentResult("ALREADY_PAID", List.of(), null);
        }
        if (invoice.expiresAt.isBefore(clock.instant())) {
            return PaymentResult.failure("LIGHTNING_PAYMENT_ERROR", "Invoice has expired");
        }
        var recipient = wallets.get(invoice.walletId);
        if (recipient.accountId.equals(sender.accountId)) {
            return PaymentResult.failure("CANT_PAY_SELF", "User tried to pay themselves");
        }
        long credit = convert(amount, sender.currency, recipient.currency);
        invoice.paid = true;
        events.invoicePaid(invoice.paymentRequest);
        var txId = move(sender, recipient, amount, credit, memo == null ? invoice.memo : memo, "Ln",
                invoice.paymentHash, invoice.preImage);
        return PaymentResult.success(txId);
    }

    /**
     * The four fee probes. {@code walletCurrency} is the wallet the probe is for (BTC: fee in sats, USD: fee in
     * cents); {@code amount} is null for an invoice with an amount, else the amount given for a no-amount invoice
     * (sats or cents). A sandbox invoice is paid inside Flash: fee 0. An outside one costs
     * max(outside-fee-min-sats, outside-fee-basis-points of its amount) sats, rounded up, in cents rounded up for
     * USD. Errors like the send mutations (bad invoice, expired, paid, own invoice, amount + fee over the balance).
     * USD payloads also carry {@code invoiceAmount} (cents).
     */
    synchronized Map<String, Object> feeProbe(String userId, String walletId, String walletCurrency,
                                              String paymentRequest, Long amount) {
        var sender = ownWallet(userId, walletId);
        var payload = new HashMap<String, Object>();
        payload.put("amount", null);
        if ("USD".equals(walletCurrency)) {
            payload.put("invoiceAmount", null);
        }
        var error = probeError(sender, walletCurrency, paymentRequest, amount);
        if (error != null) {
            payload.put("errors", List.of(error));
            return payload;
        }
        var invoice = invoices.get(paymentRequest.toLowerCase(Locale.ROOT));
        long sats;
        long invoiceCents;
        if (amount != null) {
            sats = "BTC".equals(walletCurrency) ? amount : centsToSats(amount);
            invoiceCents = "BTC".equals(walletCurrency) ? satsToCents(amount) : amount;
        } else {
            sats = invoice != null ? invoice.sats : Bolt11.amountSats(paymentRequest).getAsLong();
            invoiceCents = invoice != null && invoice.cents != null ? invoice.cents : satsToCents(sats);
        }
        long feeSats = invoice != null ? 0 : Math.max(config.flash().outsideFeeMinSats(),
                ceilDiv(sats * config.flash().outsideFeeBasisPoints(), 10_000));
        long fee = "BTC".equals(walletCurrency) ? feeSats : satsToCentsUp(feeSats);
        long debit = "BTC".equals(walletCurrency) ? sats : invoiceCents;
        if (sender.balance < debit + fee) {
            payload.put("errors", List.of(FlashViews.appError("INSUFFICIENT_BALANCE", String.format(
                    "Payment amount '%d' plus fee '%d' exceeds balance '%d'", debit, fee, sender.balance))));
            return payload;
        }
        payload.put("errors", List.of());
        payload.put("amount", fee);
        if ("USD".equals(walletCurrency)) {
            payload.put("invoiceAmount", invoiceCents);
        }
        return payload;
    }

    private Map<String, Object> probeError(Wallet sender, String walletCurrency, String paymentRequest, Long amount) {
        if (!walletCurrency.equals(sender.currency)) {
            return FlashViews.appError("INVALID_INPUT", "Wallet must be a " + walletCurrency + " wallet");
        }
        if (amount != null && amount <= 0) {
            return FlashViews.appError("INVALID_INPUT", "Amount must be greater than zero");
        }
        if (!Bolt11.looksValid(paymentRequest)) {
            return FlashViews.appError("INVOICE_DECODE_ERROR", "Invalid invoice");
        }
        var invoice = invoices.get(paymentRequest.toLowerCase(Locale.ROOT));
        boolean hasAmount = invoice != null ? invoice.sats != null
                : Bolt11.amountSats(paymentRequest).isPresent() && Bolt11.amountSats(paymentRequest).getAsLong() > 0;
        if (amount == null && !hasAmount) {
            return FlashViews.appError("INVALID_INPUT", "Invoice has no amount; use a no-amount fee probe");
        }
        if (amount != null && hasAmount) {
            return FlashViews.appError("INVALID_INPUT", "Invoice has an amount; use lnInvoiceFeeProbe");
        }
        if (invoice != null) {
            if (invoice.paid) {
                return FlashViews.appError("LIGHTNING_PAYMENT_ERROR", "Invoice is already paid");
            }
            if (invoice.expiresAt.isBefore(clock.instant())) {
                return FlashViews.appError("LIGHTNING_PAYMENT_ERROR", "Invoice has expired");
            }
            if (wallets.get(invoice.walletId).accountId.equals(sender.accountId)) {
                return FlashViews.appError("CANT_PAY_SELF", "User tried to pay themselves");
            }
        }
        return null;
    }

    private static long ceilDiv(long value, long divisor) {
        return (value + divisor - 1) / divisor;
    }

    /** A fee in sats as US cents, rounded up (a fee is never shown smaller than it is). */
    private long satsToCentsUp(long sats) {
        return BigDecimal.valueOf(sats).multiply(BigDecimal.valueOf(btcUsdPrice * 100))
                .divide(BigDecimal.valueOf(100_000_000L), 0, RoundingMode.CEILING).longValueExact();
    }

    /**
     * transactionDetails of one of the user's transactions. Units as IBEX reports them are unverified; the sandbox
     * gives the amount in the wallet's unit (sats or USD cents), positive, and the currency BTC or USD.
     */
    synchronized Map<String, Object> transactionDetails(String userId, String transactionId) {
        var user = userById(userId).orElseThrow(FlashException::notAuthenticated);
        var payload = new HashMap<String, Object>();
        var tx = transactions.stream()
                .filter(t -> t.id().equals(transactionId) && t.accountId().equals(user.accountId))
                .findFirst();
        if (tx.isEmpty()) {
            payload.put("errors", List.of(Map.of("message", "Transaction not found")));
            payload.put("transactionDetails", null);
            return payload;
        }
        var t = tx.get();
        var created = Instant.ofEpochSecond(t.createdAt()).toString();
        var details = new HashMap<String, Object>();
        details.put("id", t.id());
        details.put("accountId", t.accountId());
        details.put("amount", (double) Math.abs(t.amount()));
        details.put("currency", t.currency());
        details.put("fee", 0.0);
        details.put("memo", t.memo());
        details.put("invoice", null);
        details.put("paymentHash", t.paymentHash());
        details.put("paymentPreimage", t.preImage());
        details.put("status", "SUCCESS");
        details.put("type", ("Ln".equals(t.via()) ? "lightning_" : "intraledger_") + t.direction().toLowerCase(Locale.ROOT));
        details.put("createdAt", created);
        details.put("updatedAt", created);
        payload.put("errors", List.of());
        payload.put("transactionDetails", details);
        return payload;
    }

    /** Public lookup of a user's wallet by username (accountDefaultWallet). */
    synchronized Map<String, Object> publicWallet(String username, String walletCurrency) {
        var user = findByUsername(username).orElseThrow(() -> new FlashException("NOT_FOUND",
                "Account does not exist for username " + username));
        var wallet = walletCurrency == null ? wallets.get(user.defaultWalletId) : user.wallet(walletCurrency);
        return FlashViews.publicWallet(wallet, username);
    }

    synchronized boolean usernameAvailable(String username) {
        return findByUsername(username).isEmpty();
    }

    synchronized Map<String, Object> updateDisplayCurrency(String userId, String currency) {
        var user = userById(userId).orElseThrow(FlashException::notAuthenticated);
        var code = currency.toUpperCase(Locale.ROOT);
        if (!unitsPerUsd.containsKey(code)) {
            return Map.of("errors", List.of(FlashViews.appError("INVALID_INPUT", "Unsupported display currency")));
        }
        user.displayCurrency = code;
        var payload = new LinkedHashMap<String, Object>();
        payload.put("errors", List.of());
        payload.put("account", FlashViews.account(user, price(code)));
        return payload;
    }

    /**
     * Control API: an incoming payment to a user, from another simulated user (intra-ledger) or from outside
     * (Lightning). Returns the receiver's transaction id.
     */
    public synchronized String simulatePayment(String toUsername, String toPhone, long amount, String walletCurrency,
                                               String memo, String fromUsername) {
        var receiver = (toUsername != null ? findByUsername(toUsername) : Optional.ofNullable(usersByPhone.get(toPhone)))
                .orElseThrow(() -> new IllegalArgumentException("no such receiver"));
        if (!"BTC".equals(walletCurrency) && !"USD".equals(walletCurrency)) {
            throw new IllegalArgumentException("walletCurrency must be BTC or USD");
        }
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be positive");
        }
        var target = receiver.wallet(walletCurrency);
        if (fromUsername != null) {
            var payer = findByUsername(fromUsername).orElseThrow(() -> new IllegalArgumentException("no such payer"));
            var result = doIntraLedger(payer.wallet(walletCurrency), walletCurrency, target.id, amount, memo);
            if (!result.errors().isEmpty()) {
                throw new IllegalArgumentException(String.valueOf(result.errors().get(0).get("message")));
            }
            return result.receiverTxId();
        }
        target.balance += amount;
        var hash = Bolt11.hex(Bolt11.sha256(UUID.randomUUID().toString()));
        var tx = externalTx(target, "RECEIVE", amount, memo, hash, Bolt11.hex(Bolt11.sha256(hash)));
        transactions.add(tx);
        events.publish(receiver.id, FlashViews.lnUpdate(hash, "PAID", target.id));
        events.accountWebhook(receiver.accountId, "receive.lightning", tx.id(), hash);
        return tx.id();
    }

    private Tx externalTx(Wallet wallet, String direction, long amount, String memo, String hash, String preImage) {
        return new Tx(nextTxId(), wallet.id, wallet.accountId, clock.instant().getEpochSecond(), direction,
                "SEND".equals(direction) ? -amount : amount, wallet.currency, memo, "Ln", null, null,
                hash == null ? Bolt11.hex(Bolt11.sha256(UUID.randomUUID().toString())) : hash, preImage);
    }

    /** 24 hex characters, increasing, like the Mongo ObjectIds Flash uses as cursors. */
    private String nextTxId() {
        long seconds = clock.instant().getEpochSecond();
        return String.format("%08x%016x", seconds, txSequence.incrementAndGet());
    }
}
