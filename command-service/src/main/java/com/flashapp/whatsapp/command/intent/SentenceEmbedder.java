package com.flashapp.whatsapp.command.intent;

/** Turns a sentence into a unit-length vector (blocking, CPU-bound). */
@FunctionalInterface
public interface SentenceEmbedder {

    float[] embed(String text);
}
