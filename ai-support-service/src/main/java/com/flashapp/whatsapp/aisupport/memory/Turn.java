package com.flashapp.whatsapp.aisupport.memory;

/** One message of a conversation, already redacted: {@code role} is "user" or "assistant". */
public record Turn(String role, String content) {

    /** A rough token count (about four characters per token), enough to keep within a budget. */
    public int estimatedTokens() {
        return content.length() / 4 + 4;
    }
}
