package com.flashapp.whatsapp.command.parser;

import com.flashapp.whatsapp.command.registry.CommandRegistry;
import com.flashapp.whatsapp.command.registry.CommandSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parser over a table of real-looking messages: typos, mixed case, emoji, amounts, other languages. */
class CommandParserTest {

    private static final CommandParser PARSER =
            new CommandParser(new CommandRegistry("USD", "1"), 0.84, 0.05, 3, 4, 3);

    @ParameterizedTest(name = "[{index}] {0} -> {1} {2}")
    @CsvFileSource(resources = "/parser-cases.csv", delimiter = '|', commentCharacter = '#')
    void readsTheTable(String input, String expected, String arguments) {
        var result = PARSER.parse(input == null ? "" : input);
        assertEquals(expected, describe(result), () -> "parsed " + input + " as " + result);
        if (result instanceof ParseResult.Matched matched) {
            assertEquals(arguments == null ? "" : arguments, matched.args().canonical(), input);
        }
    }

    @Test
    void theTableHasAtLeastAHundredRows() throws Exception {
        try (var in = getClass().getResourceAsStream("/parser-cases.csv")) {
            var rows = new String(in.readAllBytes()).lines().filter(l -> !l.startsWith("#")).count();
            assertTrue(rows >= 100, "rows: " + rows);
        }
    }

    @Test
    void aParseErrorSaysWhatToType() {
        var result = assertInstanceOf(ParseResult.Invalid.class, PARSER.parse("receive lots"));
        assertEquals(Grammars.RECEIVE_USAGE, result.message());
    }

    @Test
    void aFuzzySuggestionKeepsTheRestOfTheMessage() {
        var result = assertInstanceOf(ParseResult.Suggestion.class, PARSER.parse("sedn 5 to @maria"));
        assertEquals("send 5 to @maria", result.corrected(result.candidates().get(0)));
    }

    @Test
    void fuzzyMatchingNeverSuggestsAdminCommands() {
        var result = PARSER.parse("admn");
        if (result instanceof ParseResult.Suggestion suggestion) {
            assertTrue(suggestion.candidates().stream().noneMatch(CommandSpec::adminOnly));
        }
    }

    static String describe(ParseResult result) {
        if (result instanceof ParseResult.Matched m) {
            return m.spec().name();
        }
        if (result instanceof ParseResult.Invalid i) {
            return "invalid:" + i.spec().name();
        }
        if (result instanceof ParseResult.Suggestion s) {
            return "suggest:" + s.candidates().stream().map(CommandSpec::name).collect(Collectors.joining(","));
        }
        return result instanceof ParseResult.Unmatched ? "unmatched" : "empty";
    }
}
