package com.flashapp.whatsapp.contracts.wallet;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

/**
 * Invite payments ({@code wallet.requests}, {@code invite.manage}): the sender lists their open invites
 * ("pending") or cancels one by its number ("cancel invite 2"); or a number nobody linked says "stop" (STOP: no
 * invite is to message it again). balance-service owns invites (they are payments to a number nobody linked yet);
 * command-service only parses.
 *
 * @param number the invite's number as listed (CANCEL); null for LIST and STOP
 */
public record InviteCommand(
        Envelope envelope,
        String whatsapp,
        Action action,
        Integer number) implements ContractMessage {

    /** What the sender wants done with their invites; STOP: the writer (not linked) wants no invite messages. */
    public enum Action { LIST, CANCEL, STOP }
}
