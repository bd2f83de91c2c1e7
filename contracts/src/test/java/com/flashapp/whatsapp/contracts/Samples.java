package com.flashapp.whatsapp.contracts;

import com.flashapp.whatsapp.contracts.admin.AdminStatsRequest;
import com.flashapp.whatsapp.contracts.admin.AdminUserRequest;
import com.flashapp.whatsapp.contracts.delivery.DeliveryStatus;
import com.flashapp.whatsapp.contracts.events.AccountLinked;
import com.flashapp.whatsapp.contracts.events.AccountUnlinked;
import com.flashapp.whatsapp.contracts.events.PaymentReceived;
import com.flashapp.whatsapp.contracts.events.PaymentSent;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.expect.HandoffRoute;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.contracts.media.MediaStoreRequest;
import com.flashapp.whatsapp.contracts.notification.PreferencesGet;
import com.flashapp.whatsapp.contracts.notification.PreferencesUpdate;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.support.HandoffMessage;
import com.flashapp.whatsapp.contracts.support.HandoffRequest;
import com.flashapp.whatsapp.contracts.support.SupportFeedback;
import com.flashapp.whatsapp.contracts.support.SupportQuestion;
import com.flashapp.whatsapp.contracts.user.UserErasureRequested;
import com.flashapp.whatsapp.contracts.support.SpeechRequest;
import com.flashapp.whatsapp.contracts.support.VoiceNoteRequest;
import com.flashapp.whatsapp.contracts.support.VoicePreferenceUpdate;
import com.flashapp.whatsapp.contracts.wallet.AccountLinkRequest;
import com.flashapp.whatsapp.contracts.wallet.AccountUnlinkRequest;
import com.flashapp.whatsapp.contracts.wallet.AccountVerifyRequest;
import com.flashapp.whatsapp.contracts.wallet.BalanceRequest;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import com.flashapp.whatsapp.contracts.wallet.ContactCommand;
import com.flashapp.whatsapp.contracts.wallet.InviteCommand;
import com.flashapp.whatsapp.contracts.wallet.HistoryRequest;
import com.flashapp.whatsapp.contracts.wallet.InvoiceCreateRequest;
import com.flashapp.whatsapp.contracts.wallet.PaymentRequestCommand;
import com.flashapp.whatsapp.contracts.wallet.PaymentSendRequest;
import com.flashapp.whatsapp.contracts.wallet.PriceRequest;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One fixed, fully populated sample per (exchange, routing key): the content of the golden files. */
final class Samples {

    static final String WA = "whatsapp:+18765550101";
    static final Instant AT = Instant.parse("2026-11-27T10:15:30Z");
    static final String SID = "SM0123456789abcdef0123456789abcdef";
    static final String USER = "u_9f86d081884c7d659a2feaa0c55ad015";

    private Samples() {
    }

    static Envelope envelope(String type) {
        return new Envelope(UUID.fromString("3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"), SID, AT, USER, type);
    }

    /** Keyed by {@code exchange routingKey}, like {@link MessageTypes#all()}. */
    static Map<String, ContractMessage> all() {
        var m = new LinkedHashMap<String, ContractMessage>();
        var k = RoutingKeys.Inbound.TEXT;
        m.put(Exchanges.WHATSAPP_INBOUND + " " + k, new InboundMessage(envelope(k), SID, WA, "+18765550101",
                "Keisha", "bal", false, List.of(), null, null, null, null, AT, "whatsapp:+14155238886"));
        k = RoutingKeys.Inbound.MEDIA;
        m.put(Exchanges.WHATSAPP_INBOUND + " " + k, new InboundMessage(envelope(k), SID, WA, "+18765550101",
                "Keisha", "", false, List.of(new InboundMessage.Media("image/jpeg",
                "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1")),
                null, null, null, null, AT));
        k = RoutingKeys.Inbound.BUTTON;
        m.put(Exchanges.WHATSAPP_INBOUND + " " + k, new InboundMessage(envelope(k), SID, WA, "+18765550101",
                "Keisha", "Check balance", false, List.of(), "balance", "Check balance", null,
                "SMaaaabbbbccccddddeeeeffff00001111", AT));
        k = RoutingKeys.Inbound.LOCATION;
        m.put(Exchanges.WHATSAPP_INBOUND + " " + k, new InboundMessage(envelope(k), SID, WA, "+18765550101",
                "Keisha", "", false, List.of(), null, null,
                new InboundMessage.Location(18.0179, -76.8099, "Half Way Tree, Kingston", "Home"), null, AT));
        k = RoutingKeys.Inbound.VOICE;
        m.put(Exchanges.WHATSAPP_INBOUND + " " + k, new InboundMessage(envelope(k), SID, WA, "+18765550101",
                "Keisha", "how do I send money to my cousin", false, List.of(), null, null, null, null, AT));

        var usd5 = new Amount(new BigDecimal("5.00"), Amount.USD);
        var wr = Exchanges.WALLET_REQUESTS + " ";
        m.put(wr + RoutingKeys.Wallet.ACCOUNT_LINK,
                new AccountLinkRequest(envelope(RoutingKeys.Wallet.ACCOUNT_LINK), WA, "en-JM"));
        m.put(wr + RoutingKeys.Wallet.ACCOUNT_VERIFY,
                new AccountVerifyRequest(envelope(RoutingKeys.Wallet.ACCOUNT_VERIFY), WA, "123456"));
        m.put(wr + RoutingKeys.Wallet.ACCOUNT_UNLINK,
                new AccountUnlinkRequest(envelope(RoutingKeys.Wallet.ACCOUNT_UNLINK), WA));
        m.put(wr + RoutingKeys.Wallet.BALANCE_GET,
                new BalanceRequest(envelope(RoutingKeys.Wallet.BALANCE_GET), WA, true));
        m.put(wr + RoutingKeys.Wallet.PRICE_GET,
                new PriceRequest(envelope(RoutingKeys.Wallet.PRICE_GET), WA, "JMD"));
        m.put(wr + RoutingKeys.Wallet.HISTORY_GET,
                new HistoryRequest(envelope(RoutingKeys.Wallet.HISTORY_GET), WA, 20, false, null));
        m.put(wr + RoutingKeys.Wallet.INVOICE_CREATE, new InvoiceCreateRequest(
                envelope(RoutingKeys.Wallet.INVOICE_CREATE), WA, new Amount(new BigDecimal("500"), Amount.SATS),
                "lunch"));
        m.put(wr + RoutingKeys.Wallet.PAYMENT_REQUEST, new PaymentRequestCommand(
                envelope(RoutingKeys.Wallet.PAYMENT_REQUEST), WA, PaymentRequestCommand.Action.CREATE, usd5,
                new Recipient(Recipient.Kind.USERNAME, "rohan"), "dinner", null));
        m.put(wr + RoutingKeys.Wallet.CONTACT_MANAGE, new ContactCommand(
                envelope(RoutingKeys.Wallet.CONTACT_MANAGE), WA, ContactCommand.Action.SAVE, "Mom", "+18765550123",
                null));
        m.put(wr + RoutingKeys.Wallet.INVITE_MANAGE, new InviteCommand(
                envelope(RoutingKeys.Wallet.INVITE_MANAGE), WA, InviteCommand.Action.CANCEL, 2));
        m.put(wr + RoutingKeys.Wallet.PAYMENT_SEND, new PaymentSendRequest(
                envelope(RoutingKeys.Wallet.PAYMENT_SEND), WA, usd5,
                new Recipient(Recipient.Kind.PHONE, "+18765550202"), null));
        m.put(wr + RoutingKeys.Wallet.CONFIRMATION_ANSWER, new ConfirmationAnswer(
                envelope(RoutingKeys.Wallet.CONFIRMATION_ANSWER), WA, "exp-7d1e", "confirmation", "YES",
                "send:4b9a"));

        var sr = Exchanges.SUPPORT_REQUESTS + " ";
        m.put(sr + RoutingKeys.Support.QUESTION, new SupportQuestion(envelope(RoutingKeys.Support.QUESTION), WA,
                "how do I send money to my cousin?", "en-JM", true));
        m.put(sr + RoutingKeys.Support.FEEDBACK, new SupportFeedback(envelope(RoutingKeys.Support.FEEDBACK), WA,
                "ans-51c0", false, "too long"));
        m.put(sr + RoutingKeys.Support.CONFIRMATION_ANSWER, new ConfirmationAnswer(
                envelope(RoutingKeys.Support.CONFIRMATION_ANSWER), WA, "exp-99aa", "choice", "2", "faq:fees"));
        m.put(sr + RoutingKeys.Support.VOICE_TRANSCRIBE, new VoiceNoteRequest(
                envelope(RoutingKeys.Support.VOICE_TRANSCRIBE), WA, "+18765550101", "Keisha", SID,
                "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", "audio/ogg", AT));
        m.put(sr + RoutingKeys.Support.HANDOFF_REQUEST, new HandoffRequest(
                envelope(RoutingKeys.Support.HANDOFF_REQUEST), WA, "keisha", HandoffRequest.ASKED));
        m.put(sr + RoutingKeys.Support.HANDOFF_USER, new HandoffMessage(
                envelope(RoutingKeys.Support.HANDOFF_USER), WA, "My send is stuck since this morning"));
        m.put(sr + RoutingKeys.Support.HANDOFF_AGENT, new HandoffMessage(
                envelope(RoutingKeys.Support.HANDOFF_AGENT), "whatsapp:+18765550190", "take 12"));
        m.put(sr + RoutingKeys.Support.VOICE_PREFERENCE, new VoicePreferenceUpdate(
                envelope(RoutingKeys.Support.VOICE_PREFERENCE), WA, true));
        m.put(sr + RoutingKeys.Support.SPEECH, new SpeechRequest(envelope(RoutingKeys.Support.SPEECH), WA,
                "*Help*\nSend *balance* to see your balance."));

        var nr = Exchanges.NOTIFICATION_REQUESTS + " ";
        m.put(nr + RoutingKeys.Notification.PREFERENCES_UPDATE, new PreferencesUpdate(
                envelope(RoutingKeys.Notification.PREFERENCES_UPDATE), WA, true,
                new Amount(new BigDecimal("100"), "JMD"), "22:00-07:00", "daily", "America/Jamaica"));
        m.put(nr + RoutingKeys.Notification.PREFERENCES_GET,
                new PreferencesGet(envelope(RoutingKeys.Notification.PREFERENCES_GET), WA));
        m.put(nr + RoutingKeys.Notification.CONFIRMATION_ANSWER, new ConfirmationAnswer(
                envelope(RoutingKeys.Notification.CONFIRMATION_ANSWER), WA, "exp-c0n5", "confirmation", "yes",
                "notifications-consent:2026-12-v1"));
        m.put(nr + RoutingKeys.Notification.ADMIN_STATS,
                new AdminStatsRequest(envelope(RoutingKeys.Notification.ADMIN_STATS), WA, "week"));
        m.put(nr + RoutingKeys.Notification.ADMIN_USER, new AdminUserRequest(
                envelope(RoutingKeys.Notification.ADMIN_USER), WA, "u_1b4f0e9851971998e732078544c96b36",
                "+1876•••0102"));
        m.put(sr + RoutingKeys.Support.ADMIN_STATS,
                new AdminStatsRequest(envelope(RoutingKeys.Support.ADMIN_STATS), WA, "day"));
        m.put(Exchanges.GATEWAY_MEDIA + " " + RoutingKeys.Media.STORE, new MediaStoreRequest(
                envelope(RoutingKeys.Media.STORE), "qr_4Jk9sV2mXb7QpL1nR8tY3w", "image/png",
                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
                AT.plusSeconds(3600)));

        var ob = Exchanges.WHATSAPP_OUTBOUND + " ";
        m.put(ob + RoutingKeys.Outbound.REPLY, new OutboundMessage(envelope(RoutingKeys.Outbound.REPLY), WA,
                "Your balance: $12.34", List.of(), List.of(new QuickReply("history", "See history")), null,
                null, AT));
        m.put(ob + RoutingKeys.Outbound.NOTIFICATION, new OutboundMessage(
                envelope(RoutingKeys.Outbound.NOTIFICATION), WA, "You received 1,000 sats", List.of(), List.of(),
                "payment_received", Map.of("1", "1,000 sats"), AT));
        m.put(ob + RoutingKeys.Outbound.TEMPLATE, new OutboundMessage(envelope(RoutingKeys.Outbound.TEMPLATE),
                WA, null, List.of("https://gw.example.com/media/q1?sig=abc&exp=1"), List.of(), "payment_received",
                Map.of("1", "J$1,560.00"), null));

        for (var key : new String[] {RoutingKeys.Delivery.SENT, RoutingKeys.Delivery.DELIVERED,
                RoutingKeys.Delivery.READ, RoutingKeys.Delivery.FAILED, RoutingKeys.Delivery.UNDELIVERED}) {
            var status = key.substring("status.".length());
            var failed = status.equals("failed") || status.equals("undelivered");
            m.put(Exchanges.WHATSAPP_DELIVERY + " " + key, new DeliveryStatus(envelope(key), SID, status, WA,
                    failed ? "63016" : null, failed ? "Outside the 24-hour window" : null, AT));
        }

        var fe = Exchanges.FLASH_EVENTS + " ";
        m.put(fe + RoutingKeys.FlashEvents.PAYMENT_RECEIVED, new PaymentReceived(
                envelope(RoutingKeys.FlashEvents.PAYMENT_RECEIVED), "tx-6f1a", "acct-1", "wal-btc-1", "BTC", 1000L,
                new BigDecimal("15.60"), "JMD", "rohan", "lunch", "subscription", AT));
        m.put(fe + RoutingKeys.FlashEvents.PAYMENT_SENT, new PaymentSent(
                envelope(RoutingKeys.FlashEvents.PAYMENT_SENT), "tx-7a2b", "acct-1", "wal-usd-1", "USD", 500L,
                new BigDecimal("780.00"), "JMD", null, null, "subscription", AT));
        m.put(fe + RoutingKeys.FlashEvents.ACCOUNT_LINKED, new AccountLinked(
                envelope(RoutingKeys.FlashEvents.ACCOUNT_LINKED), WA, "acct-1", "user-1", "keisha", "JMD",
                List.of("wal-btc-1", "wal-usd-1"), "en-JM"));
        m.put(fe + RoutingKeys.FlashEvents.ACCOUNT_UNLINKED, new AccountUnlinked(
                envelope(RoutingKeys.FlashEvents.ACCOUNT_UNLINKED), "acct-1", "user"));

        for (var key : new String[] {RoutingKeys.Expect.CODE, RoutingKeys.Expect.CONFIRMATION,
                RoutingKeys.Expect.CHOICE}) {
            m.put(Exchanges.CONVERSATION_EXPECT + " " + key, new ConversationExpectation(envelope(key), "exp-7d1e",
                    Exchanges.WALLET_REQUESTS, "link", key.equals("choice") ? List.of("1", "2") : List.of(),
                    AT.plusSeconds(300)));
        }
        m.put(Exchanges.CONVERSATION_EXPECT + " " + RoutingKeys.Expect.HANDOFF, new HandoffRoute(
                envelope(RoutingKeys.Expect.HANDOFF), 12, 37, HandoffRoute.ASSIGNED, "whatsapp:+18765550190"));
        m.put(Exchanges.USER_LIFECYCLE + " " + RoutingKeys.User.ERASURE_REQUESTED, new UserErasureRequested(
                envelope(RoutingKeys.User.ERASURE_REQUESTED), WA));
        return m;
    }
}
