package com.flashapp.whatsapp.command.intent;

import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The semantic thresholds come from the examples part, never the test part: each example is ranked against all the
 * others (leave-one-out), and for each candidate threshold t the precision of the examples scoring at least t is
 * measured. "sure" is the lowest t from which precision stays at or above 95% (acting on a wrong command must be
 * rare); "unsure" the lowest t from which it stays at or above 80% (a "Did you mean" may be declined). If the
 * examples change and these move, update {@link IntentBeans#DEFAULT_THRESHOLDS} and application.properties.
 */
class ThresholdsTest {

    static final double SURE_PRECISION = 0.95;
    static final double UNSURE_PRECISION = 0.80;
    private static final double STEP = 0.02;

    @Test
    void theConfiguredThresholdsAreTheOnesTheExamplesGive() {
        var table = new StringBuilder("leave-one-out over the examples part:");
        var sure = lowestHolding(SURE_PRECISION, table);
        var unsure = lowestHolding(UNSURE_PRECISION, null);
        System.out.println(table);
        System.out.printf(Locale.ROOT, "sure >= %.2f, unsure >= %.2f%n", sure, unsure);
        assertEquals(sure, IntentBeans.DEFAULT_THRESHOLDS.sure(), 1e-9, table.toString());
        assertEquals(unsure, IntentBeans.DEFAULT_THRESHOLDS.unsure(), 1e-9, table.toString());
    }

    /** The lowest threshold (on a 0.02 grid) from which leave-one-out precision never drops below {@code target}. */
    static double lowestHolding(double target, StringBuilder table) {
        var semantic = IntentFixture.SEMANTIC;
        var scores = new double[semantic.size()];
        var right = new boolean[semantic.size()];
        for (int i = 0; i < semantic.size(); i++) {
            var ranking = semantic.rankLeavingOut(i);
            scores[i] = ranking.score();
            right[i] = ranking.best().equals(semantic.label(i));
        }
        var lowest = 1.0;
        for (int step = 50; step >= 20; step--) {
            var t = Math.round(step * STEP * 100) / 100.0;
            int above = 0;
            int correct = 0;
            for (int i = 0; i < scores.length; i++) {
                if (scores[i] >= t) {
                    above++;
                    correct += right[i] ? 1 : 0;
                }
            }
            var precision = above == 0 ? 1 : (double) correct / above;
            if (table != null) {
                table.append(String.format(Locale.ROOT, "%n  t=%.2f: %d examples, precision %.3f", t, above,
                        precision));
            }
            if (precision < target) {
                break;
            }
            lowest = t;
        }
        return lowest;
    }
}
