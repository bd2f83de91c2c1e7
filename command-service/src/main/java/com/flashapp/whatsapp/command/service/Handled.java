package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.command.telemetry.Outcome;

/** How one message was handled: the command label and outcome that telemetry records. */
public record Handled(String command, Outcome outcome) {

    public static Handled ok(String command) {
        return new Handled(command, Outcome.OK);
    }
}
