package com.flashapp.whatsapp.aisupport;

import com.flashapp.whatsapp.aisupport.knowledge.Embedder;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The packaged app's entry point: starts loading the FAQ's embedding model on a thread of its own, then boots Quarkus
 * as the generated main would. The model (about 1 s of CPU) then loads while the main thread boots Flyway, the
 * database pool and the HTTP server, instead of after them (issue 20, start-up).
 */
@QuarkusMain
public final class AiSupportServiceMain {

    private AiSupportServiceMain() {
    }

    public static void main(String... args) {
        Embedder.preload();
        Quarkus.run(args);
    }
}
