package com.flashapp.whatsapp.contracts;

import java.math.BigDecimal;

/**
 * An amount as the user said it: a decimal value and its unit.
 *
 * @param value a non-negative decimal; never a double
 * @param unit  {@code SATS}, {@code BTC}, or an ISO 4217 currency code such as {@code USD} or {@code JMD}
 */
public record Amount(BigDecimal value, String unit) {

    public static final String SATS = "SATS";
    public static final String BTC = "BTC";
    public static final String USD = "USD";
}
