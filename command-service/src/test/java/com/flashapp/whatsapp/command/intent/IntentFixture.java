package com.flashapp.whatsapp.command.intent;

import com.flashapp.whatsapp.command.parser.CommandParser;
import com.flashapp.whatsapp.command.registry.CommandRegistry;

/** One interpreter for the intent tests: the real model and the examples part (the build's vectors, checked by
 * {@link ExampleVectorsTest}), built once per test JVM. */
final class IntentFixture {

    static final CommandRegistry REGISTRY = new CommandRegistry("USD", "1");
    static final CommandParser PARSER = new CommandParser(REGISTRY, 0.84, 0.05, 3, 4, 3);
    static final IntentClassifier.Thresholds THRESHOLDS = IntentBeans.DEFAULT_THRESHOLDS;
    static final SemanticMatcher SEMANTIC = SemanticMatcher.withMiniLm(IntentDataset.examples());
    static final SlotReader SLOTS = new SlotReader(REGISTRY.amounts(), REGISTRY.recipients());
    static final IntentClassifier CLASSIFIER = new IntentClassifier(SLOTS, SEMANTIC, THRESHOLDS);
    static final Interpreter INTERPRETER = new Interpreter(PARSER, REGISTRY, CLASSIFIER);

    private IntentFixture() {
    }
}
