package com.flashapp.whatsapp.command.registry;

import com.flashapp.whatsapp.contracts.QuickReply;

import java.util.List;

/**
 * One command, declared once: its name, the words that also mean it, its help and its argument grammar.
 *
 * @param name      canonical name, also the telemetry label
 * @param aliases   other words and phrases (misspellings, other languages); matched case- and accent-insensitively
 * @param category  its help topic
 * @param usage     the short form shown in help ("send <amount> to <@user|phone>")
 * @param summary   one line for menus
 * @param help      the longer help text
 * @param examples  what a user could type
 * @param needsLink whether the user must have linked a Flash account
 * @param adminOnly only configured admins in a verified session may use it (and only they see it)
 * @param listed    whether it appears in help menus
 * @param nextSteps the natural next commands after it, offered as quick replies
 * @param grammar   reads its arguments
 */
public record CommandSpec(
        String name,
        List<String> aliases,
        Category category,
        String usage,
        String summary,
        String help,
        List<String> examples,
        boolean needsLink,
        boolean adminOnly,
        boolean listed,
        List<QuickReply> nextSteps,
        Grammar grammar) {

    /** Every word that means this command, its name first. */
    public List<String> words() {
        var all = new java.util.ArrayList<String>();
        all.add(name);
        all.addAll(aliases);
        return all;
    }
}
