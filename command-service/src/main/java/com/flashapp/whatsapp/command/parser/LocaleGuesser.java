package com.flashapp.whatsapp.command.parser;

import java.util.Set;

/**
 * A cheap guess at the language of a message from a few common words, so AI support and link instructions can
 * answer in Spanish or French when the user writes in it. Anything unsure is the configured default.
 */
public final class LocaleGuesser {

    private static final Set<String> SPANISH = Set.of("hola", "saldo", "ayuda", "enviar", "pagar", "recibir",
            "cobrar", "precio", "historial", "vincular", "desvincular", "conectar", "como", "que", "gracias",
            "quiero", "dinero", "cuanto", "tengo", "donde", "puedo", "necesito", "porque", "cuenta", "buenos",
            "dias", "tardes", "soporte", "pedir", "solicitar");
    private static final Set<String> FRENCH = Set.of("bonjour", "solde", "aide", "envoyer", "payer", "recevoir",
            "prix", "historique", "comment", "merci", "je", "mon", "argent", "pourquoi", "compte", "bonsoir",
            "annuler", "vous", "est", "quoi");

    private LocaleGuesser() {
    }

    public static String guess(String text, String defaultLocale) {
        int spanish = 0;
        int french = 0;
        for (var token : TextNormalizer.tokens(TextNormalizer.clean(text))) {
            var word = TextNormalizer.keyword(token);
            if (SPANISH.contains(word)) {
                spanish++;
            }
            if (FRENCH.contains(word)) {
                french++;
            }
        }
        if (spanish > french) {
            return "es";
        }
        if (french > spanish) {
            return "fr";
        }
        return defaultLocale;
    }
}
