package com.flashapp.whatsapp.contracts;

/**
 * Durable queue names, one per consuming service and exchange. Each queue has a dead-letter queue named
 * {@code <queue>.dlq}, bound to {@link Exchanges#DEAD_LETTERS} with the queue's name as routing key.
 */
public final class Queues {

    public static final String GATEWAY_MEDIA_STORE = "gateway.media-store";
    public static final String GATEWAY_USER_LIFECYCLE = "gateway.user-lifecycle";

    public static final String COMMAND_INBOUND = "command.whatsapp-inbound";
    public static final String COMMAND_EXPECT = "command.conversation-expect";
    public static final String COMMAND_FLASH_EVENTS = "command.flash-events";

    public static final String BALANCE_WALLET_REQUESTS = "balance.wallet-requests";
    public static final String BALANCE_FLASH_EVENTS = "balance.flash-events";
    public static final String BALANCE_USER_LIFECYCLE = "balance.user-lifecycle";

    public static final String AI_SUPPORT_REQUESTS = "ai-support.support-requests";
    public static final String AI_SUPPORT_USER_LIFECYCLE = "ai-support.user-lifecycle";

    public static final String NOTIFICATION_OUTBOUND = "notification.whatsapp-outbound";
    public static final String NOTIFICATION_DELIVERY = "notification.whatsapp-delivery";
    public static final String NOTIFICATION_FLASH_EVENTS = "notification.flash-events";
    public static final String NOTIFICATION_REQUESTS = "notification.notification-requests";
    public static final String NOTIFICATION_USER_LIFECYCLE = "notification.user-lifecycle";

    /**
     * Shard {@code index} of a queue sharded per user ({@code messaging.consumers.*.shards}); the shards share the
     * queue's dead-letter queue.
     */
    public static String shard(String queue, int index) {
        return queue + "." + index;
    }

    /**
     * The queue every replica of a sharded consumer registers on, so that each can count the others (the broker's
     * count of a shard's consumers leaves out the ones waiting behind its single active consumer). Nothing is ever
     * routed to it.
     */
    public static String replicas(String queue) {
        return queue + ".replicas";
    }

    /** The dead-letter queue of {@code queue}. */
    public static String dlq(String queue) {
        return queue + ".dlq";
    }

    private Queues() {
    }
}
