package com.flashapp.whatsapp.balance.contact;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class VcardReaderTest {

    private final VcardReader reader = new VcardReader("1");

    @Test
    void readsWhatsAppsCardWithTheWaidNumber() {
        var card = reader.read("BEGIN:VCARD\r\nVERSION:3.0\r\nN:May;Aunt;;;\r\nFN:Aunt May\r\n"
                + "item1.TEL;waid=18765550123:+1 876-555-0123\r\nitem1.X-ABLabel:Mobile\r\nEND:VCARD\r\n");
        assertEquals("Aunt May", card.name());
        assertEquals("+18765550123", card.phone());
    }

    @Test
    void readsAWrittenNumberAndTheNameFromNWithoutFn() {
        var card = reader.read("BEGIN:VCARD\nVERSION:2.1\nN:Brown;John\nTEL;CELL:(876) 555-0199\nEND:VCARD");
        assertEquals("John Brown", card.name());
        assertEquals("+18765550199", card.phone(), "ten digits: the default country");
    }

    @Test
    void unfoldsLongLinesAndUnescapes() {
        var card = reader.read("BEGIN:VCARD\nVERSION:4.0\nFN:Dr. Campbell\\, Zo\n ë\nTEL;VALUE=uri:tel:+44-20-7946-0958\n"
                + "END:VCARD");
        assertEquals("Dr. Campbell, Zoë", card.name());
        assertEquals("+442079460958", card.phone());
    }

    @Test
    void somethingElseGivesNothing() {
        assertNull(reader.read("hello").name());
        assertNull(reader.read(null).phone());
        var noPhone = reader.read("BEGIN:VCARD\nFN:Nobody\nTEL:12\nEND:VCARD");
        assertEquals("Nobody", noPhone.name());
        assertNull(noPhone.phone());
    }
}
