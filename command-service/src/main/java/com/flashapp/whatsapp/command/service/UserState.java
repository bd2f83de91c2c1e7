package com.flashapp.whatsapp.command.service;

/**
 * What the engine needs to know about the sender of one message.
 *
 * @param firstContact true for the first message this service ever saw from them (they get a welcome)
 */
public record UserState(String userRef, boolean linked, String username, boolean blocked, boolean firstContact) {
}
