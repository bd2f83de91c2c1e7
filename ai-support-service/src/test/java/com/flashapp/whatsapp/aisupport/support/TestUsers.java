package com.flashapp.whatsapp.aisupport.support;

import com.flashapp.whatsapp.aisupport.repository.AiConsentRepository;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.support.SupportQuestion;

import io.quarkus.arc.Arc;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Unique users and questions per test, so parallel runs on the shared broker and stores never mix. */
public final class TestUsers {

    private TestUsers() {
    }

    public record User(String userRef, String whatsapp) {
    }

    /** A user who agreed to answers from Maple AI (in a running application; AiConsentTest covers the choice). */
    public static User newUser() {
        var user = newUserWithoutChoice();
        var container = Arc.container();
        if (container != null && container.isRunning()) {
            container.instance(AiConsentRepository.class).get()
                    .record(user.userRef(), true, "test", "command", Instant.now()).await().indefinitely();
        }
        return user;
    }

    /** A user who never chose between the help notes and Maple AI. */
    public static User newUserWithoutChoice() {
        var n = ThreadLocalRandom.current().nextInt(1000, 9999);
        return new User("u_test_" + UUID.randomUUID().toString().replace("-", ""), "whatsapp:+1876555" + n);
    }

    /** A few random letters to make a question's text (and so its prompt) this test's own. */
    public static String tag() {
        var random = ThreadLocalRandom.current();
        var sb = new StringBuilder("ref ");
        for (int i = 0; i < 8; i++) {
            sb.append((char) ('a' + random.nextInt(26)));
        }
        return sb.toString();
    }

    public static SupportQuestion question(User user, String text) {
        var sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        return new SupportQuestion(Envelope.create(RoutingKeys.Support.QUESTION, sid, user.userRef()), user.whatsapp(),
                text, "en", true);
    }
}
