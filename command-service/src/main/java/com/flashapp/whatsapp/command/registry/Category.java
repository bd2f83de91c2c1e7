package com.flashapp.whatsapp.command.registry;

import java.util.List;

/** Help topics: how commands are grouped in "help <topic>". */
public enum Category {
    ACCOUNT("account", "Account", List.of("link", "cuenta")),
    WALLET("wallet", "Wallet", List.of("money", "billetera")),
    PAYMENTS("payments", "Payments", List.of("payment", "pay", "pagos")),
    NOTIFICATIONS("notifications", "Notifications", List.of("alerts")),
    SUPPORT("support", "Help and support", List.of("help", "general")),
    ADMIN("admin", "Admin", List.of());

    private final String topic;
    private final String title;
    private final List<String> aliases;

    Category(String topic, String title, List<String> aliases) {
        this.topic = topic;
        this.title = title;
        this.aliases = aliases;
    }

    public String topic() {
        return topic;
    }

    public String title() {
        return title;
    }

    public boolean answersTo(String word) {
        return topic.equals(word) || aliases.contains(word);
    }
}
