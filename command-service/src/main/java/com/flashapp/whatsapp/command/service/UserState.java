package com.flashapp.whatsapp.command.service;

/**
 * What the engine needs to know about the sender of one message.
 *
 * @param firstContact true for the first message this service ever saw from them (they get a welcome)
 * @param voiceAsked   they once said "voice on" (ai-support-service owns the preference; without this it is off)
 */
public record UserState(String userRef, boolean linked, String username, boolean blocked, boolean firstContact,
                        boolean voiceAsked) {
}
