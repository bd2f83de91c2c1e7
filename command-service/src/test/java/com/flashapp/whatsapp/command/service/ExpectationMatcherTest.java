package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which replies answer which expectation, and what is routed as the answer. */
class ExpectationMatcherTest {

    @ParameterizedTest(name = "{0} expectation, reply \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "code|123456|123456",
            "code| 123 456 |123456",
            "code|1234|1234",
            "code|12345678|12345678",
            "code|123|-",
            "code|123456789|-",
            "code|balance|-",
            "confirmation|YES|YES",
            "confirmation|y|y",
            "confirmation|ok|ok",
            "confirmation| No |No",
            "confirmation|cancel|cancel",
            "confirmation|👍|👍",
            "confirmation|sí|sí",
            "confirmation|maybe later|-",
            "choice|2|remove",
            "choice|#1|keep",
            "choice|REMOVE|remove",
            "choice|3|-",
            "choice|delete|-",
    })
    void matches(String kind, String reply, String expected) {
        var expectation = new ConversationExpectation(Envelope.create(kind, "SM1", "u_1"), "e1",
                Exchanges.WALLET_REQUESTS, "ctx",
                RoutingKeys.Expect.CHOICE.equals(kind) ? List.of("keep", "remove") : List.of(),
                Instant.now().plusSeconds(60));
        assertEquals(expected, ExpectationMatcher.match(expectation, reply).orElse(null));
    }
}
