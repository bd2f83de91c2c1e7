package com.flashapp.whatsapp.balance;

import java.time.Instant;

/**
 * A WhatsApp user's link to a Flash account. {@code tokenCiphertext} is AES-GCM ciphertext (null once stale);
 * {@code verifiedAt} / {@code lastActivityAt} make the MFA session.
 */
public record Link(String userRef, String flashAccountId, String flashUserId, String username,
                   String displayCurrency, String defaultWalletId, String locale, String tokenCiphertext,
                   Status status, Instant linkedAt, Instant verifiedAt, Instant lastActivityAt) {

    public enum Status { ACTIVE, STALE }

    public boolean active() {
        return status == Status.ACTIVE && tokenCiphertext != null;
    }
}
