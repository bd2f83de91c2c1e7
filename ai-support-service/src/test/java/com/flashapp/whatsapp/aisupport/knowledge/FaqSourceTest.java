package com.flashapp.whatsapp.aisupport.knowledge;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaqSourceTest {

    @Test
    void refusesAPlainHttpSourceBeforeConnecting() {
        // port 9 on loopback: a connection attempt would fail differently (connection refused), not with this message
        var failure = assertThrows(IOException.class, () -> FaqSource.open("http://127.0.0.1:9/faq.json"));
        assertTrue(failure.getMessage().contains("must be https://"), failure.getMessage());
    }

    @Test
    void readsTheSeedFromTheClasspath() {
        assertTrue(FaqSource.load("classpath:faq/faq-v1.json").entries().size() > 10);
    }
}
