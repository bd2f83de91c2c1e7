package com.flashapp.whatsapp.command.intent;

import com.flashapp.whatsapp.command.parser.ParseResult;
import com.flashapp.whatsapp.command.registry.CommandRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What natural messages become. Whatever the intent layer understands is a typed command read by the same parser:
 * a natural send is exactly the send a typed command makes, and so reaches balance-service's card.
 */
class InterpreterTest {

    private static final Interpreter INTERPRETER = IntentFixture.INTERPRETER;

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "wah mi a balance deh?|balance|",
            "how much money mi have|balance|",
            "¿cuál es mi saldo?|balance|",
            "what's the price of bitcoin in jmd|price|value=JMD",
            "mi waan sen 5 dolla to @bob|send|amount=5 USD to=USERNAME:bob",
            "send five dollars to @maria|send|amount=5 USD to=USERNAME:maria",
            "3 to @kim|send|amount=3 USD to=USERNAME:kim",
            "my last 5 transactions|history|number=5",
            "mi wan get pay 15|receive|amount=15 USD"})
    void actsOnWhatItIsSureOf(String text, String command, String args) {
        var result = assertInstanceOf(ParseResult.Matched.class, INTERPRETER.interpret(text), text);
        assertEquals(command, result.spec().name());
        assertEquals(args == null ? "" : args, result.args().canonical());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"thanks!", "thank you", "👍", "good morning", "ok", "hi"})
    void smallTalkGetsSmallTalk(String text) {
        assertInstanceOf(ParseResult.SmallTalk.class, INTERPRETER.interpret(text), text);
    }

    @Test
    void aQuestionStillGoesToAiSupport() {
        assertInstanceOf(ParseResult.Unmatched.class, INTERPRETER.interpret("why is my payment pending"));
    }

    @Test
    void aPaymentRequestIsConfirmedBeforeItIsSent() {
        var result = assertInstanceOf(ParseResult.Suggestion.class, INTERPRETER.interpret("ask @bob for 5"));
        assertEquals("request 5 usd from @bob", result.corrected(result.candidates().get(0)));
    }

    @Test
    void aSendWithoutARecipientGetsTheTypedCommandsAnswer() {
        var result = assertInstanceOf(ParseResult.Invalid.class, INTERPRETER.interpret("i want to send money"));
        assertEquals(CommandRegistry.SEND, result.spec().name());
    }

    @Test
    void everySendTheIntentLayerMakesIsATypedSend() {
        // over the whole dataset: a payment is only ever the parser's reading of a typed "send"/"pay" command
        for (var phrasing : IntentDataset.all()) {
            var result = INTERPRETER.interpret(phrasing.text());
            if (result instanceof ParseResult.Matched matched && matched.spec().name().equals(CommandRegistry.SEND)) {
                var to = matched.args().recipient();
                var typed = to.kind() == com.flashapp.whatsapp.contracts.Recipient.Kind.LIGHTNING_INVOICE
                        ? "pay " + to.value() : "send " + (matched.args().amount() == null ? ""
                        : Interpreter.amount(matched.args().amount()) + " ") + "to " + Interpreter.recipient(to);
                var again = assertInstanceOf(ParseResult.Matched.class, IntentFixture.PARSER.parse(typed), typed);
                assertEquals(again.args().canonical().replace(" memo=" + matched.args().memo(), ""),
                        matched.args().canonical().replace(" memo=" + matched.args().memo(), ""), phrasing.text());
            }
            if (result instanceof ParseResult.Suggestion suggestion) {
                var offered = IntentFixture.PARSER.parse(suggestion.corrected(suggestion.candidates().get(0)));
                assertTrue(!(offered instanceof ParseResult.Suggestion), "a suggestion is a typed command: "
                        + phrasing.text());
            }
        }
    }
}
