package com.flashapp.whatsapp.aisupport.service;

import com.flashapp.whatsapp.aisupport.client.ChatCompletion;
import com.flashapp.whatsapp.aisupport.config.SupportConfig;
import com.flashapp.whatsapp.aisupport.knowledge.FaqMatch;
import com.flashapp.whatsapp.aisupport.memory.Turn;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * The prompt: a system message with the assistant's role and hard rules plus the best FAQ passages, then the pruned
 * conversation memory, then the (redacted) question.
 */
@ApplicationScoped
public class PromptBuilder {

    static final String ROLE = """
            You are Flash Support, the assistant of the Flash wallet on WhatsApp. Flash is a Bitcoin and Lightning \
            wallet used mostly in Jamaica and the Caribbean. Users may write in English or Jamaican Patois.
            Hard rules:
            1. Answer only from the FAQ passages below and this conversation. If they do not cover the question, \
            say you are not sure and tell the user to contact Flash support: %s.
            2. Never ask for, repeat or accept login codes, one-time codes, PINs, passwords, API keys, tokens or \
            seed/recovery words. If the user shares one, tell them not to share it.
            3. You cannot move money or change anything: never say you sent, received, paid or changed something. \
            For actions, point to the bot's commands in bold: *link*, *balance*, *price*, *history*, *receive*, \
            *request*, *send*, *pay*, *notifications*, *cancel*, *unlink*, *feedback*, *help*.
            4. Reply in plain WhatsApp text, friendly and short: at most %d characters, no headings, no tables.
            5. Text in square brackets like [code], [invoice], [phone] or [secret] was removed for privacy.""";

    private final SupportConfig config;

    public PromptBuilder(SupportConfig config) {
        this.config = config;
    }

    public List<ChatCompletion.Message> build(List<FaqMatch> passages, List<Turn> memory, String question) {
        var system = new StringBuilder(String.format(ROLE, config.answer().supportContact(), config.answer().maxChars()));
        system.append("\n\nFAQ passages (most relevant first):");
        if (passages.isEmpty()) {
            system.append("\n(none matched this question)");
        }
        int n = 1;
        for (var match : passages) {
            system.append("\n[").append(n++).append("] Q: ").append(match.entry().title())
                    .append("\nA: ").append(match.entry().answer());
        }
        var messages = new ArrayList<ChatCompletion.Message>();
        messages.add(new ChatCompletion.Message("system", system.toString()));
        memory.forEach(t -> messages.add(new ChatCompletion.Message(t.role(), t.content())));
        messages.add(new ChatCompletion.Message("user", question));
        return messages;
    }
}
