package com.flashapp.whatsapp.balance.format;

import io.quarkus.qute.TemplateData;

import java.util.List;

/**
 * What the balance template shows: one line per wallet, the total in the display currency, and "as of" when
 * the figures come from the cache ({@code stale} when Flash is not answering).
 */
@TemplateData
public record BalanceView(List<WalletLine> wallets, String total, String asOf, boolean stale) {

    /** One wallet: its label, its own amount, and the display-currency equivalent (null when the same). */
    @TemplateData
    public record WalletLine(String label, String amount, String fiat) {
    }
}
