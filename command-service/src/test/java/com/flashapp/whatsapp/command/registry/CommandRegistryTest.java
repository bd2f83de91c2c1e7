package com.flashapp.whatsapp.command.registry;

import com.flashapp.whatsapp.command.parser.LocaleGuesser;
import com.flashapp.whatsapp.command.service.CommandHandlers;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry's promises: every command has a handler, help and examples; buttons fit WhatsApp. */
class CommandRegistryTest {

    private final CommandRegistry registry = new CommandRegistry("USD", "1");

    @Test
    void everyCommandHasAHandlerHelpAndExamples() {
        var handlers = new CommandHandlers(null, null, null, null, registry, null);
        for (var spec : registry.all()) {
            assertTrue(spec.adminOnly() || handlers.handles(spec.name()), spec.name() + " has no handler");
            assertFalse(spec.summary().isBlank(), spec.name());
            assertFalse(spec.help().isBlank(), spec.name());
            assertFalse(spec.examples().isEmpty(), spec.name());
        }
    }

    @Test
    void quickReplyTitlesFitAWhatsAppButton() {
        registry.all().forEach(spec -> spec.nextSteps().forEach(q ->
                assertTrue(q.title().length() <= 20, spec.name() + ": " + q.title())));
    }

    @Test
    void aliasesAreFoundCaseAndAccentInsensitively() {
        assertEquals(CommandRegistry.ABOUT, registry.byWord("que es flash").orElseThrow().name());
        assertEquals(CommandRegistry.BALANCE, registry.byWord("saldo").orElseThrow().name());
        assertTrue(registry.fuzzyWords().values().stream().noneMatch(CommandSpec::adminOnly));
    }

    @Test
    void guessesTheLanguageOfAMessage() {
        assertEquals("es", LocaleGuesser.guess("Hola, cuanto dinero tengo?", "en"));
        assertEquals("fr", LocaleGuesser.guess("Bonjour, comment envoyer de l'argent", "en"));
        assertEquals("en", LocaleGuesser.guess("how do I buy bitcoin", "en"));
    }
}
