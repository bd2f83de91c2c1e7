package com.flashapp.whatsapp.aisupport.knowledge;

/** An FAQ entry found for a question, with its cosine similarity (best over the entry's question variants). */
public record FaqMatch(FaqEntry entry, double score) {
}
