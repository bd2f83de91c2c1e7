package com.flashapp.whatsapp.aisupport.service;

import com.flashapp.whatsapp.aisupport.config.SupportConfig;
import com.flashapp.whatsapp.aisupport.knowledge.KnowledgeBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the model may put in front of a user: a link only to Flash's own hosts ({@code answer.allowed-hosts}) or to
 * one the help notes have, and a phone number only if the help notes (or the configured support contact) have it. A model can be talked into (or simply invent) "call +1 …" or "visit http://…" — in a
 * wallet that is how scams start — so any other link or number in an AI answer is replaced before it is sent.
 */
@ApplicationScoped
public class AnswerFilter {

    static final String LINK_REMOVED = "[link removed]";
    static final String NUMBER_REMOVED = "[number removed]";

    private static final Pattern URL = Pattern.compile("(?i)\\b(?:https?://|www\\.)[^\\s<>\"'()]+");
    private static final Pattern PHONE = Pattern.compile("(?<![\\w])\\+?\\d[\\d\\s().\\-]{6,}\\d(?![\\w])");

    private final KnowledgeBase knowledge;
    private final String supportContact;
    private final java.util.List<String> allowedHosts;

    public AnswerFilter(KnowledgeBase knowledge, SupportConfig config) {
        this.knowledge = knowledge;
        this.supportContact = config.answer().supportContact();
        this.allowedHosts = config.answer().allowedHosts().stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    }

    /** The answer with links to hosts, and numbers, that the help notes do not have replaced. */
    public String filter(String answer) {
        var notes = new StringBuilder(supportContact).append('\n');
        knowledge.current().entries().forEach(e -> notes.append(e.answer()).append('\n'));
        var hosts = hosts(notes);
        var numbers = numbers(notes);
        var out = URL.matcher(answer).replaceAll(m -> allowed(host(m.group()), hosts)
                ? Matcher.quoteReplacement(m.group()) : LINK_REMOVED);
        return PHONE.matcher(out).replaceAll(m -> numbers.contains(digits(m.group()))
                ? Matcher.quoteReplacement(m.group()) : NUMBER_REMOVED);
    }

    private boolean allowed(String host, Set<String> fromNotes) {
        return !host.isEmpty() && (fromNotes.contains(host)
                || allowedHosts.stream().anyMatch(a -> host.equals(a) || host.endsWith("." + a)));
    }

    private static Set<String> hosts(CharSequence text) {
        var hosts = new HashSet<String>();
        var m = URL.matcher(text);
        while (m.find()) {
            hosts.add(host(m.group()));
        }
        return hosts;
    }

    private static Set<String> numbers(CharSequence text) {
        var numbers = new HashSet<String>();
        var m = PHONE.matcher(text);
        while (m.find()) {
            numbers.add(digits(m.group()));
        }
        return numbers;
    }

    static String host(String url) {
        var withScheme = url.regionMatches(true, 0, "www.", 0, 4) ? "https://" + url : url;
        try {
            var host = URI.create(withScheme.replaceAll("[.,;:!?]+$", "")).getHost();
            return host == null ? "" : host.toLowerCase(Locale.ROOT).replaceFirst("^www\\.", "");
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static String digits(String number) {
        return number.replaceAll("[^0-9]", "");
    }
}
