package com.flashapp.whatsapp.command.intent;

import com.flashapp.whatsapp.command.config.CommandConfig;
import com.flashapp.whatsapp.command.parser.CommandParser;
import com.flashapp.whatsapp.command.registry.CommandRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Builds the intent layer once; the model loads at start-up, not on a message. */
@Singleton
public class IntentBeans {

    /** The thresholds chosen from the examples part (see the README); configuration may override them. */
    public static final IntentClassifier.Thresholds DEFAULT_THRESHOLDS = new IntentClassifier.Thresholds(0.72, 0.04,
            0.40);

    /** The semantic matcher {@link #preload()} began building, until the producer takes it. */
    private static volatile CompletableFuture<SemanticMatcher> preloaded;

    @Produces
    @Singleton
    Interpreter interpreter(CommandParser parser, CommandRegistry registry, CommandConfig config) {
        var started = System.nanoTime();
        var intent = config.intent();
        var examples = IntentDataset.examples();
        var semantic = intent.semantic() ? semanticMatcher(examples) : null;
        var thresholds = new IntentClassifier.Thresholds(intent.sure(), intent.margin(), intent.unsure());
        var classifier = new IntentClassifier(new SlotReader(registry.amounts(), registry.recipients()), semantic,
                thresholds);
        var matcher = semantic == null ? "off"
                : semantic.stored() ? "on, the build's example vectors" : "on, the examples embedded at start-up";
        Log.infof("Intent layer ready in %d ms: %d examples, semantic matcher %s", (System.nanoTime() - started)
                / 1_000_000, examples.size(), matcher);
        return new Interpreter(parser, registry, classifier);
    }

    /**
     * Starts building the semantic matcher on a daemon thread before Quarkus boots ({@code CommandServiceMain}, unless
     * {@code COMMAND_INTENT_SEMANTIC} or {@code -Dcommand.intent.semantic} is false). Where nothing preloaded it in this
     * class loader (tests, for one), the producer builds it. Turned off only in a properties file, the preloaded one
     * would be left unused, its model loaded.
     */
    public static void preload() {
        var examples = IntentDataset.examples();
        preloaded = CompletableFuture.supplyAsync(() -> SemanticMatcher.withMiniLm(examples), task -> {
            var thread = new Thread(task, "intent-preload");
            thread.setDaemon(true);
            thread.start();
        });
    }

    private static SemanticMatcher semanticMatcher(List<IntentDataset.Phrasing> examples) {
        var started = preloaded;
        preloaded = null;
        if (started != null) {
            try {
                return started.join();
            } catch (RuntimeException e) {
                Log.warnf(e, "Preloading the intent model failed; loading it again");
            }
        }
        return SemanticMatcher.withMiniLm(examples);
    }

    void loadAtStartUp(@Observes StartupEvent event, Interpreter interpreter) {
        // injecting it is enough: the producer above runs now rather than on the first message
    }
}
