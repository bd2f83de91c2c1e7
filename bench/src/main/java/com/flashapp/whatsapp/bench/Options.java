package com.flashapp.whatsapp.bench;

import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Command-line options ({@code --name=value}); every run is bounded in time and request count, loopback only. */
record Options(String scenario, URI target, String publicBaseUrl, String token, int senders, int rate, int durationSeconds,
               int warmupSeconds, int maxRequests, int concurrency, List<Long> pids) {

    static final int MAX_DURATION_SECONDS = 600;
    static final int MAX_REQUESTS = 5_000_000;

    static Options parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (var arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new IllegalArgumentException(usage());
            }
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("bad argument " + arg + "\n" + usage());
            }
            m.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        var target = URI.create(m.getOrDefault("url", "http://127.0.0.1:8080"));
        requireLoopback(target);
        var pids = new ArrayList<Long>();
        for (var pid : m.getOrDefault("pids", "").split(",")) {
            if (!pid.isBlank()) {
                pids.add(Long.parseLong(pid.strip()));
            }
        }
        var options = new Options(
                m.getOrDefault("scenario", "twilio-text"),
                target,
                m.getOrDefault("public-base-url", "http://localhost:8080"),
                m.getOrDefault("token", "0123456789abcdef0123456789abcdef"),
                Integer.parseInt(m.getOrDefault("senders", "1000")),
                Integer.parseInt(m.getOrDefault("rate", "0")),
                Integer.parseInt(m.getOrDefault("duration", "20")),
                Integer.parseInt(m.getOrDefault("warmup", "5")),
                Integer.parseInt(m.getOrDefault("max-requests", "1000000")),
                Integer.parseInt(m.getOrDefault("concurrency", "64")),
                List.copyOf(pids));
        if (options.durationSeconds() < 1 || options.durationSeconds() + options.warmupSeconds() > MAX_DURATION_SECONDS) {
            throw new IllegalArgumentException("duration + warmup must be 1.." + MAX_DURATION_SECONDS + " s");
        }
        if (options.maxRequests() < 1 || options.maxRequests() > MAX_REQUESTS) {
            throw new IllegalArgumentException("max-requests must be 1.." + MAX_REQUESTS);
        }
        if (options.concurrency() < 1 || options.concurrency() > 4096 || options.senders() < 1 || options.rate() < 0) {
            throw new IllegalArgumentException("concurrency 1..4096, senders >= 1, rate >= 0");
        }
        return options;
    }

    /** Load is only ever sent to this machine. */
    static void requireLoopback(URI target) {
        try {
            for (var address : InetAddress.getAllByName(target.getHost())) {
                if (!address.isLoopbackAddress()) {
                    throw new IllegalArgumentException("refusing non-loopback target " + target);
                }
            }
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("unknown host " + target.getHost());
        }
    }

    static String usage() {
        return """
                usage: java -jar bench/target/bench.jar [--name=value ...]
                  --scenario=twilio-text     what to send (twilio-text: signed inbound-message webhooks)
                  --url=http://127.0.0.1:8080  where to send (loopback only)
                  --public-base-url=http://localhost:8080  the gateway's gateway.public-base-url (signatures cover it)
                  --token=<twilio auth token>  default: the sandbox token
                  --senders=1000             distinct simulated WhatsApp numbers
                  --rate=0                   requests per second; 0 = as fast as --concurrency allows
                  --concurrency=64           requests in flight at most
                  --duration=20 --warmup=5   measured seconds after unmeasured warm-up seconds (<= 600 in all)
                  --max-requests=1000000     hard cap on requests sent
                  --pids=123,456             processes whose RSS (VmRSS) is reported before and after
                """;
    }
}
