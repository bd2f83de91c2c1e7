package com.flashapp.whatsapp.command.intent;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The intent layer's cost, for {@code bench/intent-bench.sh} (a benchmark, not a test): CPU time of this thread per
 * message over every phrasing of the dataset (typed commands, rules and the semantic matcher alike), after a
 * warm-up; the start-up cost of the model; and the process's memory with the model loaded.
 */
public final class IntentBench {

    private IntentBench() {
    }

    public static void main(String[] args) throws Exception {
        var rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        var threads = ManagementFactory.getThreadMXBean();
        var loadStarted = threads.getCurrentThreadCpuTime();
        var wallStarted = System.nanoTime();
        var interpreter = IntentFixture.INTERPRETER; // loads the model, reads (or embeds) the examples' vectors
        System.out.printf(Locale.ROOT, "start-up: model loaded and %d examples %s in %d ms (%d ms CPU)%n",
                IntentFixture.SEMANTIC.size(), IntentFixture.SEMANTIC.stored() ? "read from the build's vectors"
                        : "embedded", (System.nanoTime() - wallStarted) / 1_000_000,
                (threads.getCurrentThreadCpuTime() - loadStarted) / 1_000_000);
        var texts = IntentDataset.all().stream().map(IntentDataset.Phrasing::text).toList();
        for (int i = 0; i < 3; i++) {
            texts.forEach(interpreter::interpret);
        }
        var cpu = new long[texts.size() * rounds];
        var semanticCpu = new long[cpu.length];
        int n = 0;
        int semantic = 0;
        for (int round = 0; round < rounds; round++) {
            for (var text : texts) {
                var before = threads.getCurrentThreadCpuTime();
                interpreter.interpret(text);
                cpu[n++] = threads.getCurrentThreadCpuTime() - before;
                var typed = interpreter.typed(text);
                if (interpreter.needsIntent(text, typed)) {
                    semanticCpu[semantic++] = cpu[n - 1];
                }
            }
        }
        report("every message", cpu, n);
        report("messages the intent layer read", semanticCpu, semantic);
        System.gc();
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        var rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS"))
                .findFirst().orElse("VmRSS: ?");
        System.out.printf(Locale.ROOT, "memory with the model loaded: heap used %d MB after GC, %s%n",
                heap / 1_000_000, rss.replaceAll("\\s+", " "));
    }

    private static void report(String what, long[] values, int count) {
        var sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        var mean = Arrays.stream(sorted).average().orElse(0);
        System.out.printf(Locale.ROOT, "%s (%d): CPU per message mean %.3f ms, p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                what, count, mean / 1e6, sorted[count / 2] / 1e6, sorted[(int) (count * 0.99)] / 1e6,
                sorted[count - 1] / 1e6);
    }
}
