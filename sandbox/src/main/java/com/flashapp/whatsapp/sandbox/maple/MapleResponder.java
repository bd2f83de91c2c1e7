package com.flashapp.whatsapp.sandbox.maple;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The deterministic "model": answers by quoting the first knowledge passage found in the prompt, so the AI
 * support flow can be tested end to end without a real LLM.
 */
@ApplicationScoped
public class MapleResponder {

    /** A passage starts after a marker line such as "[1]", "### Title", "Passage:", "Source:" or "- ". */
    private static final Pattern PASSAGE = Pattern.compile(
            "(?m)^\\s*(?:\\[\\d+\\][^\\n]*|#{2,4}[^\\n]*|(?:Passage|Source|Context|Knowledge|Article)[^\\n]*:)\\s*\\n?\\s*([^\\n]{10,})");
    private static final Pattern BULLET = Pattern.compile("(?m)^\\s*[-*]\\s+([^\\n]{10,})");
    private static final int MAX_QUOTE = 280;

    /** Content of the assistant's answer for these OpenAI-style messages. */
    public String answer(List<Map<String, Object>> messages) {
        String question = "";
        for (var message : messages) {
            if ("user".equals(message.get("role")) && message.get("content") instanceof String content) {
                question = content;
            }
        }
        for (var message : messages) {
            var role = message.get("role");
            if (("system".equals(role) || "user".equals(role)) && message.get("content") instanceof String content) {
                var passage = firstPassage(content);
                if (passage != null) {
                    return "Here is what our help notes say: \"" + passage + "\" Reply with another question if you need more help.";
                }
            }
        }
        var shortQuestion = question.length() > 80 ? question.substring(0, 80) + "…" : question;
        return "I could not find that in the Flash help notes. You asked: \"" + shortQuestion.strip()
                + "\". Please contact Flash support for more help.";
    }

    static String firstPassage(String content) {
        var m = PASSAGE.matcher(content);
        String found = m.find() ? m.group(1) : null;
        if (found == null) {
            var b = BULLET.matcher(content);
            found = b.find() ? b.group(1) : null;
        }
        if (found == null) {
            return null;
        }
        // "[1] Q: title\nA: answer" (the ai-support prompt): quote the answer itself
        found = found.strip().replaceFirst("^(?:A|Answer):\\s*", "");
        return found.length() > MAX_QUOTE ? found.substring(0, MAX_QUOTE) + "…" : found;
    }

    /** Rough token count like a BPE tokenizer would give for English (about 4 characters per token). */
    public static int tokens(String text) {
        return text == null || text.isEmpty() ? 0 : Math.max(1, (text.length() + 3) / 4);
    }
}
