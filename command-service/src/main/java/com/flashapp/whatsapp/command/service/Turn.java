package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.command.repository.ExpectationRepository;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;

/**
 * One inbound message being handled, with what is known about its sender.
 *
 * @param adminNumber whether the sender's number is a configured admin number (a session is still required)
 * @param found       the expectation this message's first handling found open, and the guard on changing it
 */
public record Turn(InboundMessage inbound, UserState user, boolean adminNumber, String locale,
                   ExpectationRepository.Found found) {

    public String userRef() {
        return inbound.envelope().userRef();
    }

    public String whatsapp() {
        return inbound.from();
    }

    /** The envelope of a message this turn causes: same correlation id and user, another type. */
    public Envelope follow(String type) {
        return inbound.envelope().follow(type);
    }
}
