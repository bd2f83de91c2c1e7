package com.flashapp.whatsapp.contracts;

/** Every record that travels on the broker has an envelope; its type is the routing key. */
public interface ContractMessage {

    Envelope envelope();

    /** The routing key this message is published with. */
    default String routingKey() {
        return envelope().type();
    }
}
