package com.flashapp.whatsapp.command;

import com.flashapp.whatsapp.command.intent.IntentBeans;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The packaged app's entry point: starts loading the intent layer's model on a thread of its own, then boots Quarkus
 * as the generated main would. The model (about 1 s of CPU) then loads on the second core while the main thread boots
 * Hibernate, Flyway and the HTTP server, instead of after them (issue 20, start-up).
 */
@QuarkusMain
public final class CommandServiceMain {

    private CommandServiceMain() {
    }

    public static void main(String... args) {
        IntentBeans.preload();
        Quarkus.run(args);
    }
}
