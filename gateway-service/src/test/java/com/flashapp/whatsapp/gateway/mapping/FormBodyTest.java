package com.flashapp.whatsapp.gateway.mapping;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The hand-written form parser sees what framework parsing hides. */
class FormBodyTest {

    static FormBody parse(String raw) {
        return FormBody.parse(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void decodesPercentEscapesPlusAndUtf8() {
        var form = parse("Body=Caf%C3%A9+ok&From=whatsapp%3A%2B18765550101&Empty=&Flag");
        assertNull(form.defect());
        assertEquals(Map.of("Body", "Café ok", "From", "whatsapp:+18765550101", "Empty", "", "Flag", ""), form.params());
    }

    @Test
    void flagsDuplicatesButKeepsTheFirstValue() {
        var form = parse("Body=a&Body=b");
        assertEquals(FormBody.DUPLICATE, form.defect());
        assertEquals("a", form.params().get("Body"));
    }

    @Test
    void flagsInvalidUtf8AndBadEscapes() {
        assertEquals(FormBody.INVALID_ENCODING, parse("Body=%FF").defect());
        assertEquals("\uFFFD", parse("Body=%FF").params().get("Body"));
        assertEquals(FormBody.INVALID_ENCODING, parse("Body=%zz").defect());
        assertEquals(FormBody.INVALID_ENCODING, parse("Body=%4").defect());
        assertEquals(FormBody.INVALID_ENCODING, parse("Body=%ED%A0%80").defect()); // a lone surrogate
    }

    @Test
    void toleratesEmptyAndStrayAmpersands() {
        assertEquals(Map.of(), FormBody.parse(new byte[0]).params());
        assertEquals(Map.of("a", "1"), parse("&&a=1&&").params());
        assertNull(parse("&&a=1&&").defect());
    }
}
