package com.flashapp.whatsapp.contracts;

/** Routing keys, grouped by exchange. A message's {@link Envelope#type()} is its routing key. */
public final class RoutingKeys {

    /** On {@link Exchanges#WHATSAPP_INBOUND}. */
    public static final class Inbound {
        public static final String TEXT = "message.text";
        public static final String MEDIA = "message.media";
        public static final String BUTTON = "message.button";
        public static final String LOCATION = "message.location";
        /**
         * ai-support → command: the transcript of a voice note, as the text message the user would have typed
         * ({@code InboundMessage}, body = the transcript, no media). Published after a {@code voice.transcribe}.
         */
        public static final String VOICE = "message.voice";
        public static final String ALL = "message.*";

        private Inbound() {
        }
    }

    /** On {@link Exchanges#WALLET_REQUESTS}. */
    public static final class Wallet {
        public static final String ACCOUNT_LINK = "account.link";
        public static final String ACCOUNT_VERIFY = "account.verify";
        public static final String ACCOUNT_UNLINK = "account.unlink";
        public static final String BALANCE_GET = "balance.get";
        public static final String PRICE_GET = "price.get";
        public static final String HISTORY_GET = "history.get";
        public static final String INVOICE_CREATE = "invoice.create";
        public static final String PAYMENT_REQUEST = "payment.request";
        public static final String PAYMENT_SEND = "payment.send";
        public static final String CONFIRMATION_ANSWER = "confirmation.answer";
        /** Saved contacts: save, list, delete ({@code ContactCommand}). */
        public static final String CONTACT_MANAGE = "contact.manage";
        /** Invite payments: list ("pending") or cancel one ({@code InviteCommand}). */
        public static final String INVITE_MANAGE = "invite.manage";

        private Wallet() {
        }
    }

    /** On {@link Exchanges#SUPPORT_REQUESTS}. */
    public static final class Support {
        public static final String QUESTION = "question";
        public static final String FEEDBACK = "feedback";
        /** The user's answer to an expectation ai-support published (e.g. a numbered choice). */
        public static final String CONFIRMATION_ANSWER = "confirmation.answer";
        /** A verified admin's {@code admin stats}: ai-support answers with its part (AI fallback rate). */
        public static final String ADMIN_STATS = "admin.stats";
        /** A voice note to download and transcribe ({@code VoiceNoteRequest}); the transcript comes back as
         * {@code message.voice} on {@link Exchanges#WHATSAPP_INBOUND}. */
        public static final String VOICE_TRANSCRIBE = "voice.transcribe";
        /** The user asked for a person ({@code HandoffRequest}): ai-support opens a ticket. */
        public static final String HANDOFF_REQUEST = "handoff.request";
        /** What a user with an open ticket wrote ({@code HandoffMessage}). */
        public static final String HANDOFF_USER = "handoff.user";
        /** What a configured agent wrote: an agent command or words for the ticket's user ({@code HandoffMessage}). */
        public static final String HANDOFF_AGENT = "handoff.agent";
        /** "voice on" / "voice off" ({@code VoicePreferenceUpdate}): ai-support owns the voice-reply preference. */
        public static final String VOICE_PREFERENCE = "voice.preference";
        /** A help text to speak too if the user has voice replies on ({@code SpeechRequest}). */
        public static final String SPEECH = "speech";

        private Support() {
        }
    }

    /** On {@link Exchanges#NOTIFICATION_REQUESTS}. */
    public static final class Notification {
        public static final String PREFERENCES_UPDATE = "preferences.update";
        public static final String PREFERENCES_GET = "preferences.get";
        /** A verified admin's {@code admin stats}: notification answers with its part (delivery rate). */
        public static final String ADMIN_STATS = "admin.stats";
        /** A verified admin's {@code admin user}: notification answers with the user's preferences, masked. */
        public static final String ADMIN_USER = "admin.user";
        /** The user's answer to an expectation notification-service published (the payment-notification consent
         * question asked after linking). */
        public static final String CONFIRMATION_ANSWER = "confirmation.answer";

        private Notification() {
        }
    }

    /** On {@link Exchanges#WHATSAPP_OUTBOUND}. */
    public static final class Outbound {
        public static final String REPLY = "reply";
        public static final String NOTIFICATION = "notification";
        public static final String TEMPLATE = "template";

        private Outbound() {
        }
    }

    /** On {@link Exchanges#WHATSAPP_DELIVERY}: {@code status.<Twilio MessageStatus>}. */
    public static final class Delivery {
        public static final String SENT = "status.sent";
        public static final String DELIVERED = "status.delivered";
        public static final String READ = "status.read";
        public static final String FAILED = "status.failed";
        public static final String UNDELIVERED = "status.undelivered";
        public static final String ALL = "status.*";

        /** The routing key for a Twilio {@code MessageStatus} value. */
        public static String forStatus(String messageStatus) {
            return "status." + messageStatus;
        }

        private Delivery() {
        }
    }

    /** On {@link Exchanges#FLASH_EVENTS}. */
    public static final class FlashEvents {
        public static final String PAYMENT_RECEIVED = "payment.received";
        public static final String PAYMENT_SENT = "payment.sent";
        public static final String ACCOUNT_LINKED = "account.linked";
        public static final String ACCOUNT_UNLINKED = "account.unlinked";
        public static final String ALL_PAYMENTS = "payment.*";
        public static final String ALL_ACCOUNTS = "account.*";

        private FlashEvents() {
        }
    }

    /** On {@link Exchanges#GATEWAY_MEDIA}. */
    public static final class Media {
        public static final String STORE = "media.store";

        private Media() {
        }
    }

    /** On {@link Exchanges#CONVERSATION_EXPECT}. */
    public static final class Expect {
        public static final String CODE = "code";
        public static final String CONFIRMATION = "confirmation";
        public static final String CHOICE = "choice";
        /** ai-support → command: a ticket's routing changed ({@code HandoffRoute}). */
        public static final String HANDOFF = "handoff";

        private Expect() {
        }
    }

    /** On {@link Exchanges#USER_LIFECYCLE}. */
    public static final class User {
        public static final String ERASURE_REQUESTED = "user.erasure-requested";

        private User() {
        }
    }

    private RoutingKeys() {
    }
}
