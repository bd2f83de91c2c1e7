package com.flashapp.whatsapp.command.intent;

import com.flashapp.whatsapp.contracts.Amount;
import com.flashapp.whatsapp.contracts.Recipient;

/**
 * What a natural message says besides its command.
 *
 * @param amount        an amount with its unit ("5 dolla" is 5 USD, "J$1000" 1000 JMD, "500 sats")
 * @param recipient     who money goes to or is asked from (@user, phone, Lightning address or invoice)
 * @param recipientWord the word just before the recipient ("to", "from", "for"), lower case, or null
 * @param currency      a currency named without an amount ("price in jmd"), ISO code
 * @param count         a count of items ("last 5 transactions")
 */
public record Slots(Amount amount, Recipient recipient, String recipientWord, String currency, Integer count) {

    public static final Slots NONE = new Slots(null, null, null, null, null);
}
