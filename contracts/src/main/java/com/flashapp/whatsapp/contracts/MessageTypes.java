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

import java.util.LinkedHashMap;
import java.util.Map;

/** Which record travels on which exchange with which routing key: the table of ARCHITECTURE.md in code. */
public final class MessageTypes {

    private static final Map<String, Class<? extends ContractMessage>> TYPES = new LinkedHashMap<>();

    static {
        for (var key : new String[] {RoutingKeys.Inbound.TEXT, RoutingKeys.Inbound.MEDIA,
                RoutingKeys.Inbound.BUTTON, RoutingKeys.Inbound.LOCATION, RoutingKeys.Inbound.VOICE}) {
            put(Exchanges.WHATSAPP_INBOUND, key, InboundMessage.class);
        }
        put(Exchanges.WALLET_REQUESTS, RoutingKeys.Wallet.ACCOUNT_LINK, AccountLinkRequest.class);
        put(Exchanges.WALLET_REQUESTS, RoutingKeys.Wallet.ACCOUNT_VERIFY, AccountVerifyRequest.class);
        put(Exchanges.WALLET_REQUESTS, RoutingKeys.Wallet.ACCOUNT_UNLINK, AccountUnlinkRequest.class);
        put(Exchanges.WALLET_REQUESTS, RoutingKeys.Wallet.BALANCE_GET, BalanceRequest.class);
        put(Exchanges.WALLET_REQUESTS, RoutingKeys.Wallet.PRICE_GET, PriceRequest.class);
        put(Exchanges.WALLET_REQUESTS, RoutingKeys.Wallet.HISTORY_GET, HistoryRequest.class);
        put(Exchanges.WALLET_REQUESTS, RoutingKeys.Wallet.INVOICE_CREATE, InvoiceCreateRequest.class);
        put(Exchanges.WALLET_REQUESTS, RoutingKeys.Wallet.PAYMENT_REQUEST, PaymentRequestCommand.class);
        put(Exchanges.WALLET_REQUESTS, RoutingKeys.Wallet.PAYMENT_SEND, PaymentSendRequest.class);
        put(Exchanges.WALLET_REQUESTS, RoutingKeys.Wallet.CONFIRMATION_ANSWER, ConfirmationAnswer.class);
        put(Exchanges.WALLET_REQUESTS, RoutingKeys.Wallet.CONTACT_MANAGE, ContactCommand.class);
        put(Exchanges.WALLET_REQUESTS, RoutingKeys.Wallet.INVITE_MANAGE, InviteCommand.class);
        put(Exchanges.SUPPORT_REQUESTS, RoutingKeys.Support.QUESTION, SupportQuestion.class);
        put(Exchanges.SUPPORT_REQUESTS, RoutingKeys.Support.FEEDBACK, SupportFeedback.class);
        put(Exchanges.SUPPORT_REQUESTS, RoutingKeys.Support.CONFIRMATION_ANSWER, ConfirmationAnswer.class);
        put(Exchanges.NOTIFICATION_REQUESTS, RoutingKeys.Notification.PREFERENCES_UPDATE, PreferencesUpdate.class);
        put(Exchanges.NOTIFICATION_REQUESTS, RoutingKeys.Notification.PREFERENCES_GET, PreferencesGet.class);
        put(Exchanges.NOTIFICATION_REQUESTS, RoutingKeys.Notification.ADMIN_STATS, AdminStatsRequest.class);
        put(Exchanges.NOTIFICATION_REQUESTS, RoutingKeys.Notification.ADMIN_USER, AdminUserRequest.class);
        put(Exchanges.NOTIFICATION_REQUESTS, RoutingKeys.Notification.CONFIRMATION_ANSWER, ConfirmationAnswer.class);
        put(Exchanges.SUPPORT_REQUESTS, RoutingKeys.Support.ADMIN_STATS, AdminStatsRequest.class);
        put(Exchanges.SUPPORT_REQUESTS, RoutingKeys.Support.VOICE_TRANSCRIBE, VoiceNoteRequest.class);
        put(Exchanges.SUPPORT_REQUESTS, RoutingKeys.Support.HANDOFF_REQUEST, HandoffRequest.class);
        put(Exchanges.SUPPORT_REQUESTS, RoutingKeys.Support.HANDOFF_USER, HandoffMessage.class);
        put(Exchanges.SUPPORT_REQUESTS, RoutingKeys.Support.HANDOFF_AGENT, HandoffMessage.class);
        put(Exchanges.SUPPORT_REQUESTS, RoutingKeys.Support.VOICE_PREFERENCE, VoicePreferenceUpdate.class);
        put(Exchanges.SUPPORT_REQUESTS, RoutingKeys.Support.SPEECH, SpeechRequest.class);
        put(Exchanges.GATEWAY_MEDIA, RoutingKeys.Media.STORE, MediaStoreRequest.class);
        for (var key : new String[] {RoutingKeys.Outbound.REPLY, RoutingKeys.Outbound.NOTIFICATION,
                RoutingKeys.Outbound.TEMPLATE}) {
            put(Exchanges.WHATSAPP_OUTBOUND, key, OutboundMessage.class);
        }
        for (var key : new String[] {RoutingKeys.Delivery.SENT, RoutingKeys.Delivery.DELIVERED,
                RoutingKeys.Delivery.READ, RoutingKeys.Delivery.FAILED, RoutingKeys.Delivery.UNDELIVERED}) {
            put(Exchanges.WHATSAPP_DELIVERY, key, DeliveryStatus.class);
        }
        put(Exchanges.FLASH_EVENTS, RoutingKeys.FlashEvents.PAYMENT_RECEIVED, PaymentReceived.class);
        put(Exchanges.FLASH_EVENTS, RoutingKeys.FlashEvents.PAYMENT_SENT, PaymentSent.class);
        put(Exchanges.FLASH_EVENTS, RoutingKeys.FlashEvents.ACCOUNT_LINKED, AccountLinked.class);
        put(Exchanges.FLASH_EVENTS, RoutingKeys.FlashEvents.ACCOUNT_UNLINKED, AccountUnlinked.class);
        for (var key : new String[] {RoutingKeys.Expect.CODE, RoutingKeys.Expect.CONFIRMATION,
                RoutingKeys.Expect.CHOICE}) {
            put(Exchanges.CONVERSATION_EXPECT, key, ConversationExpectation.class);
        }
        put(Exchanges.CONVERSATION_EXPECT, RoutingKeys.Expect.HANDOFF, HandoffRoute.class);
        put(Exchanges.USER_LIFECYCLE, RoutingKeys.User.ERASURE_REQUESTED, UserErasureRequested.class);
    }

    private MessageTypes() {
    }

    private static void put(String exchange, String routingKey, Class<? extends ContractMessage> type) {
        TYPES.put(exchange + " " + routingKey, type);
    }

    /** The record for a routing key on an exchange; unknown pairs are malformed messages. */
    public static Class<? extends ContractMessage> recordFor(String exchange, String routingKey) {
        var type = TYPES.get(exchange + " " + routingKey);
        if (type == null) {
            throw new MessageCodec.MalformedMessageException("no message type for " + exchange + " / " + routingKey);
        }
        return type;
    }

    /** Every known (exchange, routing key) pair, as {@code "exchange routingKey"} strings. */
    public static Map<String, Class<? extends ContractMessage>> all() {
        return Map.copyOf(TYPES);
    }
}
