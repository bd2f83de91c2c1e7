package com.flashapp.whatsapp.contracts;

/** Names of the durable topic exchanges (see ARCHITECTURE.md, "Messages on RabbitMQ"). */
public final class Exchanges {

    /** gateway → command: what users write; ai-support → command: what they said in a voice note
     * ({@code message.voice}, the transcript as text). */
    public static final String WHATSAPP_INBOUND = "whatsapp.inbound";
    /** command → balance: everything that touches a Flash account. */
    public static final String WALLET_REQUESTS = "wallet.requests";
    /** command → ai-support: questions, feedback and voice notes to transcribe. */
    public static final String SUPPORT_REQUESTS = "support.requests";
    /** command → notification: notification preferences (and admin reports). */
    public static final String NOTIFICATION_REQUESTS = "notification.requests";
    /** every service → notification, the only sender. */
    public static final String WHATSAPP_OUTBOUND = "whatsapp.outbound";
    /** gateway → notification: Twilio status callbacks. */
    public static final String WHATSAPP_DELIVERY = "whatsapp.delivery";
    /** balance (bridge) and gateway (Flash webhooks) → notification, balance, command. */
    public static final String FLASH_EVENTS = "flash.events";
    /** balance, ai-support → command: what the user's next reply answers. */
    public static final String CONVERSATION_EXPECT = "conversation.expect";
    /** balance → gateway: images (invoice QR codes) the gateway serves at signed URLs for Twilio to fetch. */
    public static final String GATEWAY_MEDIA = "gateway.media";
    /** command → every service with user data: the user asked to be forgotten ("delete my data"). */
    public static final String USER_LIFECYCLE = "user.lifecycle";
    /** Direct exchange every queue dead-letters to; the routing key is the queue's name. */
    public static final String DEAD_LETTERS = "dead-letters";

    private Exchanges() {
    }
}
