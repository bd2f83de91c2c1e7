package com.flashapp.whatsapp.aisupport.knowledge;

import java.util.List;

/** The FAQ source file: a version number and its entries. */
public record FaqFile(int version, String description, List<FaqEntry> entries) {

    public FaqFile {
        entries = entries == null ? List.of() : List.copyOf(entries);
    }
}
