package com.flashapp.whatsapp.command;

import com.flashapp.whatsapp.command.intent.IntentBeans;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The packaged app's entry point: starts loading the intent layer's model on a thread of its own, then boots Quarkus
 * as the generated main would. The model (about 0.6 s of CPU; the examples' vectors come with the build) then loads on
 * the second core while the main thread boots Hibernate, Flyway and the HTTP server, instead of after them (issue 20,
 * start-up).
 */
@QuarkusMain
public final class CommandServiceMain {

    private CommandServiceMain() {
    }

    public static void main(String... args) {
        // configuration is not read yet: an operator turns the matcher off with the variable or the property
        var semantic = System.getProperty("command.intent.semantic", System.getenv("COMMAND_INTENT_SEMANTIC"));
        if (semantic == null || Boolean.parseBoolean(semantic.strip())) {
            IntentBeans.preload();
        }
        Quarkus.run(args);
    }
}
