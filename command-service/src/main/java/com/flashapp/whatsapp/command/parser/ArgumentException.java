package com.flashapp.whatsapp.command.parser;

/** The command word was understood but its arguments were not; the message tells the user what to type. */
public class ArgumentException extends Exception {

    public ArgumentException(String userMessage) {
        super(userMessage, null, false, false);
    }
}
