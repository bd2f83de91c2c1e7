package com.flashapp.whatsapp.balance.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The GraphQL documents balance-service sends to Flash, kept as resources under {@code flash/}: one file per
 * operation plus {@code fragments.graphql}. A document is sent with exactly the fragments it uses (GraphQL
 * rejects unused ones). {@code FlashDocumentsTest} validates every one against Flash's real schema.
 */
public final class FlashDocuments {

    /** Every operation this service sends; the test validates each. */
    public static final List<String> OPERATIONS =
            List.of("UserLogin", "UserLogout", "PhoneCodeRequest", "Me", "Balance", "RealtimePrice");

    private static final Pattern SPREAD = Pattern.compile("\\.\\.\\.\\s*([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern FRAGMENT = Pattern.compile("(?m)^fragment\\s+([A-Za-z_][A-Za-z0-9_]*)\\s+on\\s");
    private static final Map<String, String> FRAGMENTS = parseFragments(read("flash/fragments.graphql"));
    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private FlashDocuments() {
    }

    /** The full document for an operation: its text followed by the fragments it uses, transitively. */
    public static String document(String operation) {
        return CACHE.computeIfAbsent(operation, op -> {
            var body = read("flash/" + op + ".graphql");
            var used = new LinkedHashSet<String>();
            collect(body, used);
            var doc = new StringBuilder(body.strip());
            used.forEach(name -> doc.append("\n\n").append(FRAGMENTS.get(name)));
            return doc.append('\n').toString();
        });
    }

    private static void collect(String text, LinkedHashSet<String> used) {
        var m = SPREAD.matcher(text);
        while (m.find()) {
            var name = m.group(1);
            if ("on".equals(name)) {
                continue; // an inline fragment "... on Type"
            }
            if (!FRAGMENTS.containsKey(name)) {
                throw new IllegalStateException("unknown fragment " + name);
            }
            if (used.add(name)) {
                collect(FRAGMENTS.get(name), used);
            }
        }
    }

    private static Map<String, String> parseFragments(String text) {
        var result = new LinkedHashMap<String, String>();
        var m = FRAGMENT.matcher(text);
        var starts = new ArrayList<Integer>();
        var names = new ArrayList<String>();
        while (m.find()) {
            starts.add(m.start());
            names.add(m.group(1));
        }
        for (int i = 0; i < starts.size(); i++) {
            var end = i + 1 < starts.size() ? starts.get(i + 1) : text.length();
            result.put(names.get(i), text.substring(starts.get(i), end).strip());
        }
        return result;
    }

    private static String read(String resource) {
        try (var in = FlashDocuments.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
