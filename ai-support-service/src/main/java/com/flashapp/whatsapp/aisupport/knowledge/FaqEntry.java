package com.flashapp.whatsapp.aisupport.knowledge;

import com.flashapp.whatsapp.contracts.QuickReply;

import java.time.Instant;
import java.util.List;

/**
 * One FAQ entry as written in the versioned source file: the ways users ask it, the answer, and up to three
 * suggestions (commands the user could type) to offer as quick replies with the answer.
 */
public record FaqEntry(
        String id,
        String category,
        String locale,
        List<String> tags,
        Instant updatedAt,
        List<String> questions,
        String answer,
        List<QuickReply> suggestions) {

    public FaqEntry {
        locale = locale == null || locale.isBlank() ? "en" : locale;
        tags = tags == null ? List.of() : List.copyOf(tags);
        questions = questions == null ? List.of() : List.copyOf(questions);
        suggestions = suggestions == null ? List.of() : List.copyOf(suggestions);
    }

    /** The question shown for this entry (its first variant). */
    public String title() {
        return questions.isEmpty() ? id : questions.get(0);
    }
}
