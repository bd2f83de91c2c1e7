package com.flashapp.whatsapp.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * The fault suite's books: every webhook sent (by phase, kind and outcome) and every message the Twilio simulator
 * recorded, matched to the inbound message it answers.
 *
 * <p>How a reply is matched, so that "lost" and "duplicated" mean what they say:
 * <ul>
 *   <li>A new user writes exactly once ({@link Kind#HELP}, {@link Kind#QUESTION}, {@link Kind#PRICE}), so every
 *       message sent to them answers that one inbound message: fewer than the kind's replies is a loss, more is a
 *       duplicate.</li>
 *   <li>A linked user ({@link Kind#BALANCE}) has at most one message outstanding: the next one is sent only after
 *       the previous was fully answered (and a few seconds of reading). Replies are matched first in, first out;
 *       a reply that arrives while nothing is outstanding is a duplicate of the user's latest message. A message
 *       that is never answered keeps its user waiting to the end, so a loss is always charged to the right
 *       phase.</li>
 *   <li>A refused webhook (5xx, no connection, no answer in time) expects nothing: its user is set aside until
 *       the end of the phase (each phase has linked users of its own), and a reply that comes anyway (the gateway had published it after all) is counted as
 *       "answered although refused", not as a duplicate.</li>
 *   <li>A reply Twilio could not deliver (final status {@code undelivered}/{@code failed}, e.g. 63016 outside
 *       the 24-hour window) does not count as received: its message counts as lost.</li>
 * </ul>
 */
final class Ledger {

    /** What a synthetic user writes, and how many messages today's product answers it with (observed). */
    enum Kind {
        HELP("help", 1, false, "new user, `help` → the welcome (command only)"),
        QUESTION("how do I send money to my cousin?", 2, false,
                "new user, a question → welcome + AI answer (command → ai-support → Maple)"),
        PRICE("price", 2, false, "new user, `price` → welcome + the price (command → balance → Flash)"),
        BALANCE("balance", 1, true, "linked user, `balance` → the balance (command → balance → Flash)");

        final String text;
        final int replies;
        final boolean linked;
        final String description;

        Kind(String text, int replies, boolean linked, String description) {
            this.text = text;
            this.replies = replies;
            this.linked = linked;
            this.description = description;
        }
    }

    enum Outcome { PENDING, ACCEPTED, REFUSED }

    /** One inbound message (one MessageSid, whatever the number of delivery attempts). */
    final class Message {
        final String sid;
        final User user;
        final Kind kind;
        final Phase phase;
        final Instant sentAt = Instant.now();
        Outcome outcome = Outcome.PENDING;
        String refusal;
        int replies;
        /** Refused, but replies may still come: how many would still be taken as its answer. */
        int optionalLeft;
        boolean undelivered;
        Instant answeredAt;

        Message(String sid, User user, Kind kind, Phase phase) {
            this.sid = sid;
            this.user = user;
            this.kind = kind;
            this.phase = phase;
        }

        boolean answered() {
            return replies >= kind.replies && !undelivered;
        }
    }

    /** A linked user: free to write, waiting for an answer, or set aside after a refused webhook. */
    private enum State { IDLE, BUSY, PARKED }

    final class User {
        final String phone;
        final boolean linked;
        final Deque<Message> slots = new ArrayDeque<>();
        final List<Message> refused = new ArrayList<>();
        Message last;
        State state = State.IDLE;
        Instant idleFrom = Instant.EPOCH;

        User(String phone, boolean linked) {
            this.phone = phone;
            this.linked = linked;
        }
    }

    /** The messages sent while one fault was on (from its lead-in to the next fault's). */
    final class Phase {
        final String id;
        final String title;
        final List<Message> messages = new ArrayList<>();
        final Map<String, Integer> refusals = new TreeMap<>();
        final List<String> duplicateExamples = new ArrayList<>();
        int duplicated;
        int refusedButAnswered;
        int lateAnswers;
        Instant closedAt;

        Phase(String id, String title) {
            this.id = id;
            this.title = title;
        }
    }

    /** A phase's numbers, as the report shows them. */
    record Tally(int sent, int accepted, int refused, int answered, int lost, int duplicated,
                 int refusedButAnswered, int late, int undelivered, Map<String, Integer> refusals,
                 Map<Kind, Integer> lostByKind, List<String> duplicateExamples, List<String> lostExamples) {
    }

    private static final Duration THINK_MIN = Duration.ofSeconds(2);
    private static final Duration THINK_MAX = Duration.ofSeconds(6);
    private static final int EXAMPLES = 5;

    private final Map<String, User> byAddress = new HashMap<>();
    /** Each fault's own linked users: one whose answer was lost waits for it to the end, and must not starve the
     *  next fault of linked users. */
    private final Map<String, List<User>> linkedByPhase = new HashMap<>();
    private List<User> linked = List.of();
    private final Map<String, Message> byReplySid = new HashMap<>();
    private final List<Phase> phases = new ArrayList<>();
    private final List<String> harnessErrors = new ArrayList<>();
    /** Every message the load's users were sent, as matched: for replies.csv. */
    private final List<String> replyLines = new ArrayList<>();
    private Phase current;
    private long nextFreshPhone = 18_768_000_000L;
    private int unknownReplies;
    private int skippedTicks;

    synchronized Phase begin(String id, String title) {
        if (current != null) {
            current.closedAt = Instant.now();
        }
        current = new Phase(id, title);
        phases.add(current);
        linked = linkedByPhase.getOrDefault(id, List.of());
        return current;
    }

    synchronized void close() {
        if (current != null && current.closedAt == null) {
            current.closedAt = Instant.now();
        }
    }

    synchronized User freshUser() {
        var user = new User("+" + nextFreshPhone++, false);
        byAddress.put("whatsapp:" + user.phone, user);
        return user;
    }

    /** A user linked at set-up, who writes during the phase {@code phaseId} only. */
    synchronized void addLinked(String phone, String phaseId) {
        var user = new User(phone, true);
        byAddress.put("whatsapp:" + phone, user);
        linkedByPhase.computeIfAbsent(phaseId, k -> new ArrayList<>()).add(user);
    }

    /** A linked user with nothing outstanding who has read their last answer, now marked busy; or null. */
    synchronized User idleLinkedUser() {
        var now = Instant.now();
        var idle = linked.stream().filter(u -> u.state == State.IDLE && !u.idleFrom.isAfter(now)).toList();
        if (idle.isEmpty()) {
            return null;
        }
        var user = idle.get(ThreadLocalRandom.current().nextInt(idle.size()));
        user.state = State.BUSY;
        return user;
    }

    synchronized Message sending(String sid, User user, Kind kind) {
        var message = new Message(sid, user, kind, current);
        current.messages.add(message);
        for (int i = 0; i < kind.replies; i++) {
            user.slots.add(message);
        }
        user.last = message;
        return message;
    }

    synchronized void accepted(Message message) {
        message.outcome = Outcome.ACCEPTED;
    }

    synchronized void refused(Message message, String reason) {
        message.outcome = Outcome.REFUSED;
        message.refusal = reason;
        message.phase.refusals.merge(reason, 1, Integer::sum);
        var user = message.user;
        // what it did not get yet is no longer owed; if it comes anyway, it is an answer, not a duplicate
        int owed = (int) user.slots.stream().filter(m -> m == message).count();
        user.slots.removeIf(m -> m == message);
        message.optionalLeft = owed;
        if (owed > 0) {
            user.refused.add(message);
        }
        if (user.linked) {
            user.state = State.PARKED;
        }
    }

    synchronized void harnessError(String what) {
        if (harnessErrors.size() < 20) {
            harnessErrors.add(what);
        }
    }

    synchronized void skippedTick() {
        skippedTicks++;
    }

    /** A message the Twilio simulator recorded (in the order it recorded them). */
    synchronized void reply(String to, String sid, String body) {
        var user = byAddress.get(to);
        if (user == null) {
            unknownReplies++;
            return;
        }
        var message = user.slots.poll();
        if (message != null) {
            replyLines.add(line(sid, to, "answer", message, body));
            message.replies++;
            byReplySid.put(sid, message);
            if (message.replies == message.kind.replies) {
                message.answeredAt = Instant.now();
                if (message.phase.closedAt != null) {
                    message.phase.lateAnswers++;
                }
                if (user.linked && user.state == State.BUSY) {
                    user.state = State.IDLE;
                    var think = THINK_MIN.toMillis()
                            + ThreadLocalRandom.current().nextLong(THINK_MAX.toMillis() - THINK_MIN.toMillis());
                    user.idleFrom = Instant.now().plusMillis(think);
                }
            }
            return;
        }
        for (var refused : user.refused) {
            if (refused.optionalLeft > 0) {
                replyLines.add(line(sid, to, "answer-to-refused", refused, body));
                refused.optionalLeft--;
                refused.replies++;
                byReplySid.put(sid, refused);
                if (refused.replies == 1) {
                    refused.phase.refusedButAnswered++;
                }
                return;
            }
        }
        var phase = user.last == null ? current : user.last.phase;
        phase.duplicated++;
        replyLines.add(line(sid, to, "duplicate", user.last, body));
        if (phase.duplicateExamples.size() < EXAMPLES) {
            phase.duplicateExamples.add(user.phone + " (" + (user.last == null ? "?" : user.last.kind) + ", read "
                    + Instant.now() + "): \"" + excerpt(body) + "\"");
        }
    }

    /** Final statuses from the Twilio simulator: a reply that never reached the user is not an answer. */
    synchronized void undelivered(Set<String> replySids) {
        for (var sid : replySids) {
            var message = byReplySid.get(sid);
            if (message != null) {
                message.undelivered = true;
            }
        }
    }

    /** Messages of the phase sent before {@code cutoff} whose webhook is still open or whose answer is missing. */
    synchronized int unsettled(Phase phase, Instant cutoff) {
        int n = 0;
        for (var m : phase.messages) {
            if (m.sentAt.isBefore(cutoff)
                    && (m.outcome == Outcome.PENDING || m.outcome == Outcome.ACCEPTED && m.replies < m.kind.replies)) {
                n++;
            }
        }
        return n;
    }

    synchronized int unsettled() {
        return phases.stream().mapToInt(p -> unsettled(p, Instant.now())).sum();
    }

    synchronized int replies(Message message) {
        return message.replies;
    }

    synchronized Tally tally(Phase phase) {
        int sent = phase.messages.size();
        int accepted = 0;
        int refused = 0;
        int answered = 0;
        int undelivered = 0;
        var lostByKind = new LinkedHashMap<Kind, Integer>();
        var lostExamples = new ArrayList<String>();
        for (var m : phase.messages) {
            if (m.outcome == Outcome.REFUSED) {
                refused++;
                continue;
            }
            if (m.outcome == Outcome.PENDING) {
                // the webhook never finished: the load was stopped under it; counted as refused
                refused++;
                continue;
            }
            accepted++;
            if (m.undelivered) {
                undelivered++;
            }
            if (m.answered()) {
                answered++;
            } else {
                lostByKind.merge(m.kind, 1, Integer::sum);
                if (lostExamples.size() < EXAMPLES) {
                    lostExamples.add(m.user.phone + " " + m.kind + " sent " + m.sentAt + ", " + m.replies + " of "
                            + m.kind.replies + " replies" + (m.undelivered ? ", one undelivered" : ""));
                }
            }
        }
        return new Tally(sent, accepted, refused, answered, accepted - answered, phase.duplicated,
                phase.refusedButAnswered, phase.lateAnswers, undelivered, new TreeMap<>(phase.refusals), lostByKind,
                List.copyOf(phase.duplicateExamples), lostExamples);
    }

    synchronized Map<Kind, Long> sentByKind(Phase phase) {
        return phase.messages.stream().collect(Collectors.groupingBy(m -> m.kind, TreeMap::new,
                Collectors.counting()));
    }

    synchronized List<Phase> phases() {
        return List.copyOf(phases);
    }

    synchronized List<String> harnessErrors() {
        return List.copyOf(harnessErrors);
    }

    synchronized int unknownReplies() {
        return unknownReplies;
    }

    synchronized int skippedTicks() {
        return skippedTicks;
    }

    /** Every message of the run, one line each, for reading a failure next to the apps' logs. */
    synchronized void writeCsv(java.nio.file.Path file) throws java.io.IOException {
        var out = new StringBuilder("phase,sid,from,kind,sent_at,outcome,refusal,replies,expected,answered_at,"
                + "undelivered\n");
        for (var phase : phases) {
            for (var m : phase.messages) {
                out.append(phase.id).append(',').append(m.sid).append(',').append(m.user.phone).append(',')
                        .append(m.kind).append(',').append(m.sentAt).append(',').append(m.outcome).append(',')
                        .append(m.refusal == null ? "" : m.refusal.replace(',', ';')).append(',')
                        .append(m.replies).append(',').append(m.kind.replies).append(',')
                        .append(m.answeredAt == null ? "" : m.answeredAt).append(',').append(m.undelivered)
                        .append('\n');
            }
        }
        java.nio.file.Files.writeString(file, out);
    }

    private static String line(String sid, String to, String as, Message message, String body) {
        return Instant.now() + "," + sid + "," + to.replace("whatsapp:", "") + "," + as + ","
                + (message == null ? "" : message.sid) + ",\"" + excerpt(body).replace("\"", "'") + "\"";
    }

    /** Every message the load's users were sent, in the order Twilio recorded them, and what it was taken for. */
    synchronized void writeRepliesCsv(java.nio.file.Path file) throws java.io.IOException {
        java.nio.file.Files.writeString(file, "read_at,sid,to,taken_as,inbound_sid,excerpt\n"
                + String.join("\n", replyLines) + "\n");
    }

    static String excerpt(String body) {
        if (body == null) {
            return "";
        }
        var flat = body.replaceAll("\\s+", " ").trim();
        return flat.length() > 60 ? flat.substring(0, 60) + "…" : flat;
    }
}
