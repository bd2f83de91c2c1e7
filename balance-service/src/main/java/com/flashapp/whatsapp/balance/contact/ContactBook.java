package com.flashapp.whatsapp.balance.contact;

import com.flashapp.whatsapp.balance.Link;
import com.flashapp.whatsapp.balance.client.TwilioCardClient;
import com.flashapp.whatsapp.balance.config.WalletConfig;
import com.flashapp.whatsapp.balance.contact.SavedContactRepository.SavedContact;
import com.flashapp.whatsapp.balance.service.Conversation;
import com.flashapp.whatsapp.balance.service.Phones;
import com.flashapp.whatsapp.balance.wallet.WalletSupport;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import com.flashapp.whatsapp.contracts.wallet.ContactCommand;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Saved contacts ({@code contact.manage}): "save mom +1876…" or a shared contact card asks "Save Mom
 * (+1876***0123)?" and keeps it after YES ({@code confirmation} expectation, context {@code contact:<id>});
 * "contacts" lists them; "delete contact mom" deletes one. {@link #find} is how send and request read a name
 * ("send 5 to mom"): the payment's own confirmation card then shows who it is. Contacts need an active link (they
 * exist to pay and request), are per user, encrypted, at most {@code wallet.contacts.max-per-user}, and never shown
 * to anyone but their owner.
 */
@ApplicationScoped
public class ContactBook {

    /** Context prefix of the "Save …?" expectation. */
    public static final String CONTEXT_PREFIX = "contact:";

    private static final Set<String> YES = Set.of("YES", "Y", "OK", "OKAY", "SAVE", "SURE", "YEP", "YEAH", "CONFIRM");
    private static final Pattern E164 = Pattern.compile("\\+[1-9]\\d{7,14}");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}\\p{Cf}]");
    /** Stands for a download that failed (a card's text is never this). */
    private static final String UNREACHABLE = "\u0000unreachable";
    private static final String HOW = "Save one with SAVE MOM +1876…, or share a contact card here.";

    private final WalletSupport support;
    private final SavedContactRepository contacts;
    private final TwilioCardClient cards;
    private final VcardReader vcards;
    private final WalletConfig.Contacts config;
    private final Clock clock = Clock.systemUTC();

    public ContactBook(WalletSupport support, SavedContactRepository contacts, TwilioCardClient cards,
                       WalletConfig config) {
        this.support = support;
        this.contacts = contacts;
        this.cards = cards;
        this.config = config.contacts();
        this.vcards = new VcardReader(this.config.defaultCountryCode());
    }

    public Uni<Void> handle(ContactCommand command) {
        return support.activeLink(command.envelope(), command.whatsapp()).flatMap(link -> {
            if (link == null) {
                return Uni.createFrom().voidItem();
            }
            var action = command.action() == null ? ContactCommand.Action.LIST : command.action();
            Uni<Void> work = switch (action) {
                case SAVE -> command.vcardUrl() != null ? fromCard(command, link)
                        : save(command, link, command.name(), command.phone());
                case LIST -> list(command);
                case DELETE -> delete(command, link);
            };
            return work.onFailure().recoverWithUni(e -> support.failed(command.envelope(), command.whatsapp(), link, e,
                    "Contacts"));
        });
    }

    /** The saved contact a typed name means (exact, first word, or a near spelling), or null. */
    public Uni<SavedContact> find(String userRef, String typed) {
        if (typed == null || typed.isBlank() || typed.strip().startsWith("@")) {
            return Uni.createFrom().nullItem();
        }
        return contacts.saved(userRef).map(all -> NameMatcher.match(typed, all, SavedContact::name));
    }

    /** How a contact is shown to its owner: "Mom (+1876***0123)". */
    public static String label(SavedContact contact) {
        return contact.name() + " (" + Phones.mask(contact.phone()) + ")";
    }

    // ------------------------------------------------------------------ save

    private Uni<Void> fromCard(ContactCommand command, Link link) {
        var envelope = command.envelope();
        var whatsapp = command.whatsapp();
        if (!cards.isTwilioMedia(command.vcardUrl())) {
            Log.warnf("Contact card for %s not from our Twilio account: ignored", envelope.userRef());
            return support.reply(envelope, whatsapp, "I couldn't open that contact card. " + HOW);
        }
        // only the download's failure is "couldn't open": a failure after it is the usual "try again"
        return cards.download(command.vcardUrl())
                .onFailure().recoverWithItem(e -> {
                    Log.warnf("Contact card download for %s failed: %s", envelope.userRef(),
                            e.getClass().getSimpleName());
                    return UNREACHABLE;
                })
                .flatMap(text -> {
                    if (UNREACHABLE.equals(text)) {
                        return support.reply(envelope, whatsapp, "I couldn't open that contact card just now. Please "
                                + "try again in a minute, or send SAVE <name> <number>.");
                    }
                    var card = vcards.read(text);
                    if (card.name() == null && card.phone() == null) {
                        return support.reply(envelope, whatsapp, "I couldn't read that contact card. " + HOW);
                    }
                    var name = card.name() == null ? "" : shorten(clean(card.name()));
                    if (card.phone() == null) {
                        return support.reply(envelope, whatsapp, "That contact card has no phone number I can use. "
                                + "Send SAVE " + (name.isEmpty() ? "<name>" : upper(name)) + " +1876… with their "
                                + "number.");
                    }
                    if (name.isEmpty()) {
                        return support.reply(envelope, whatsapp, "That contact card has no name. Send SAVE <name> "
                                + card.phone() + " to save it with one.");
                    }
                    return save(command, link, name, card.phone());
                });
    }

    private Uni<Void> save(ContactCommand command, Link link, String rawName, String rawPhone) {
        var envelope = command.envelope();
        var whatsapp = command.whatsapp();
        var name = rawName == null ? "" : clean(rawName);
        var phone = rawPhone == null ? "" : rawPhone.strip();
        if (name.isEmpty() || phone.isEmpty()) {
            return support.reply(envelope, whatsapp, "Tell me a name and a number, like SAVE MOM +18765550123.");
        }
        if (name.length() > config.nameMaxLength()) {
            return support.reply(envelope, whatsapp, "Please use a shorter name (at most " + config.nameMaxLength()
                    + " characters).");
        }
        if (!name.matches(".*\\p{L}.*") || name.startsWith("@")) {
            return support.reply(envelope, whatsapp, "A contact's name needs a letter and no @, like SAVE MOM "
                    + "+18765550123. (Flash usernames need no saving: SEND 5 TO @username.)");
        }
        if (!E164.matcher(phone).matches()) {
            return support.reply(envelope, whatsapp, "That doesn't look like a phone number. Write it with the "
                    + "country code, like +18765550123.");
        }
        if (phone.equals(Phones.e164(whatsapp))) {
            return support.reply(envelope, whatsapp, "That's your own number, so there's nothing to save.");
        }
        var now = clock.instant();
        return contacts.saved(link.userRef()).flatMap(all -> {
            var sameName = all.stream().filter(c -> NameMatcher.normalise(c.name()).equals(NameMatcher.normalise(name)))
                    .findFirst().orElse(null);
            if (sameName != null && sameName.phone().equals(phone)) {
                return support.reply(envelope, whatsapp, label(sameName) + " is already in your contacts.");
            }
            if (sameName == null && all.size() >= config.maxPerUser()) {
                return support.reply(envelope, whatsapp, "You have " + all.size() + " contacts, the most I keep. "
                        + "Delete one first with DELETE CONTACT <name>.");
            }
            var id = UUID.randomUUID();
            var expires = now.plus(config.confirmationTtl());
            var shown = name + " (" + Phones.mask(phone) + ")";
            var question = sameName == null ? "📇 Save " + shown + " to your contacts?"
                    : "📇 Replace " + label(sameName) + " with " + shown + "?";
            var text = question + "\n\nThen SEND 5 TO " + upper(name) + " pays them (you always confirm first). "
                    + "Only you can see your contacts.\n\nReply YES within " + minutes(config.confirmationTtl())
                    + " to save, or NO.";
            return contacts.addPending(link.userRef(), id, name, phone, now, expires)
                    .flatMap(x -> support.conversation().expect(envelope, RoutingKeys.Expect.CONFIRMATION,
                            id.toString(), CONTEXT_PREFIX + id, List.of("YES", "NO"), expires))
                    .flatMap(x -> support.reply(envelope, whatsapp, text, Conversation.quick("YES", "Yes, save"),
                            Conversation.quick("NO", "No")));
        });
    }

    /** Whether a confirmation answer is for a contact ({@code contact:<id>}). */
    public static boolean owns(ConfirmationAnswer answer) {
        return answer.context() != null && answer.context().startsWith(CONTEXT_PREFIX);
    }

    /** YES or NO to "Save …?"; a redelivered YES finds it saved and says so once more, nothing else. */
    public Uni<Void> answer(ConfirmationAnswer answer) {
        var envelope = answer.envelope();
        var whatsapp = answer.whatsapp();
        var id = Conversation.contextId(answer, CONTEXT_PREFIX);
        if (id == null) {
            return Uni.createFrom().voidItem();
        }
        var userRef = envelope.userRef();
        var yes = answer.answer() != null && YES.contains(answer.answer().strip().toUpperCase(Locale.ROOT));
        return contacts.byId(userRef, id).flatMap(contact -> {
            if (contact == null) {
                return support.reply(envelope, whatsapp, "That question has expired, so nothing was saved. " + HOW);
            }
            if (!yes) {
                if ("SAVED".equals(contact.status())) {
                    return support.reply(envelope, whatsapp, label(contact) + " is already saved. DELETE CONTACT "
                            + upper(contact.name()) + " removes it.");
                }
                return contacts.drop(userRef, id).flatMap(x -> support.reply(envelope, whatsapp,
                        "OK, I didn't save " + contact.name() + "."));
            }
            return contacts.confirm(userRef, id, clock.instant(), config.maxPerUser()).flatMap(outcome ->
                    switch (outcome) {
                        case SAVED -> support.reply(envelope, whatsapp, "✅ Saved " + label(contact) + ". Send money "
                                        + "with SEND 5 TO " + upper(contact.name()) + " or ask with REQUEST 5 FROM "
                                        + upper(contact.name()) + ".",
                                Conversation.quick("contacts", "My contacts"));
                        case ALREADY_SAVED -> support.reply(envelope, whatsapp, label(contact) + " is saved.");
                        case FULL -> support.reply(envelope, whatsapp, "You have " + config.maxPerUser()
                                + " contacts, the most I keep, so " + contact.name() + " wasn't saved. Delete one "
                                + "first with DELETE CONTACT <name>.");
                        case EXPIRED -> contacts.drop(userRef, id).flatMap(x -> support.reply(envelope, whatsapp,
                                "That question has expired, so nothing was saved. " + HOW));
                    });
        });
    }

    // ------------------------------------------------------------------ list, delete

    private Uni<Void> list(ContactCommand command) {
        return contacts.saved(command.envelope().userRef()).flatMap(all -> {
            if (all.isEmpty()) {
                return support.reply(command.envelope(), command.whatsapp(), "You have no saved contacts yet. " + HOW);
            }
            var text = new StringBuilder("📇 *Your contacts*\n");
            for (int i = 0; i < all.size(); i++) {
                text.append('\n').append(i + 1).append(". ").append(label(all.get(i)));
            }
            text.append("\n\nSEND 5 TO <name> pays one, DELETE CONTACT <name> removes one.");
            return support.reply(command.envelope(), command.whatsapp(), text.toString());
        });
    }

    private Uni<Void> delete(ContactCommand command, Link link) {
        var envelope = command.envelope();
        if (command.name() == null || command.name().isBlank()) {
            return support.reply(envelope, command.whatsapp(), "Which one? Like DELETE CONTACT MOM (CONTACTS lists "
                    + "them).");
        }
        return find(link.userRef(), command.name()).flatMap(contact -> contact == null
                ? support.reply(envelope, command.whatsapp(), "You have no contact called \"" + clean(command.name())
                        + "\". CONTACTS lists yours.")
                : contacts.drop(link.userRef(), contact.id()).flatMap(x -> support.reply(envelope,
                        command.whatsapp(), "🗑️ Deleted " + label(contact) + " from your contacts.")));
    }

    // ------------------------------------------------------------------ helpers

    private static String clean(String name) {
        return CONTROL.matcher(name).replaceAll("").replaceAll("\\s+", " ").strip();
    }

    private String shorten(String name) {
        return name.length() <= config.nameMaxLength() ? name : name.substring(0, config.nameMaxLength()).strip();
    }

    private static String upper(String name) {
        return name.toUpperCase(Locale.ROOT);
    }

    private static String minutes(java.time.Duration ttl) {
        var m = Math.max(1, ttl.toMinutes());
        return m + (m == 1 ? " minute" : " minutes");
    }
}
