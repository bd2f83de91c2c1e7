package com.flashapp.whatsapp.notification.service;

import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.util.Locale;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the number and the link's language say about a user's locale and time zone. */
class UserLocalesTest {

    private static final Locale FALLBACK = Locale.forLanguageTag("en-JM");

    @Test
    void theCaribbeanAreaCodesNameTheirCountryAndItsZone() {
        assertEquals(Optional.of(ZoneId.of("America/Jamaica")), UserLocales.zone("whatsapp:+18765550101"));
        assertEquals(Optional.of(ZoneId.of("America/Port_of_Spain")), UserLocales.zone("whatsapp:+18685550101"));
        assertEquals(Optional.of(ZoneId.of("America/Santo_Domingo")), UserLocales.zone("+18095550101"));
        assertEquals(Optional.of(ZoneId.of("America/El_Salvador")), UserLocales.zone("whatsapp:+50370001234"));
        // the US and Canada have several zones: no guess
        assertEquals(Optional.empty(), UserLocales.zone("whatsapp:+12125550101"));
        assertEquals(Optional.empty(), UserLocales.zone(null));
    }

    @Test
    void theLinksLanguageWinsAndTheNumberGivesTheRegion() {
        assertEquals("es-JM", UserLocales.locale("es", "whatsapp:+18765550101", FALLBACK).toLanguageTag());
        assertEquals("en-TT", UserLocales.locale(null, "whatsapp:+18685550101", FALLBACK).toLanguageTag());
        assertEquals("es-DO", UserLocales.locale("", "whatsapp:+18295550101", FALLBACK).toLanguageTag());
        assertEquals("fr-HT", UserLocales.locale(null, "whatsapp:+50931234567", FALLBACK).toLanguageTag());
        assertEquals("es-MX", UserLocales.locale("es_MX", "whatsapp:+18765550101", FALLBACK).toLanguageTag());
        assertEquals("en-JM", UserLocales.locale(null, "whatsapp:+99912345", FALLBACK).toLanguageTag());
    }
}
