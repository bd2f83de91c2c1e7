package com.flashapp.whatsapp.aisupport.service;

import com.flashapp.whatsapp.messaging.Publisher;
import com.flashapp.whatsapp.aisupport.repository.ReportRepository;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.admin.AdminStatsRequest;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * ai-support's part of {@code admin stats}: command-service checked the admin number and the verified session,
 * answered its own part and asked us for ours; we answer the admin directly with one short WhatsApp message.
 */
@ApplicationScoped
public class AdminStatsService {

    /** The periods command-service offers ({@code admin stats [day|week]}). */
    enum Period {
        DAY("day", Duration.ofDays(1), "last 24 hours"),
        WEEK("week", Duration.ofDays(7), "last 7 days");

        final String word;
        final Duration length;
        final String label;

        Period(String word, Duration length, String label) {
            this.word = word;
            this.length = length;
            this.label = label;
        }

        /** The period named, or null when the word is none of ours. */
        static Period of(String word) {
            for (var p : values()) {
                if (p.word.equalsIgnoreCase(word == null ? "" : word.strip())) {
                    return p;
                }
            }
            return null;
        }
    }

    private final ReportRepository reports;
    private final Publisher publisher;

    public AdminStatsService(ReportRepository reports, Publisher publisher) {
        this.reports = reports;
        this.publisher = publisher;
    }

    public Uni<Void> answer(AdminStatsRequest request) {
        var envelope = request.envelope();
        if (request.whatsapp() == null || request.whatsapp().isBlank()) {
            Log.warnf("Ignoring admin stats %s: no admin to answer", envelope.messageId());
            return Uni.createFrom().voidItem();
        }
        var named = Period.of(request.period());
        // an empty period means the default; another word gets the day, and the admin is told so
        var period = named == null ? Period.DAY : named;
        var unknown = named == null && request.period() != null && !request.period().isBlank();
        // the period ends when the admin asked, so a redelivered request reports the same figures
        var to = envelope.occurredAt();
        return reports.adminStats(to.minus(period.length), to)
                .map(stats -> text(period, stats, unknown))
                .flatMap(body -> publisher.publish(Exchanges.WHATSAPP_OUTBOUND, new OutboundMessage(
                        envelope.follow(RoutingKeys.Outbound.REPLY), request.whatsapp(), body, List.of(), List.of(),
                        null, null, envelope.occurredAt())))
                .invoke(() -> Log.infof("Answered admin stats (%s) for %s", period.word, envelope.userRef()));
    }

    static String text(Period period, AdminStats stats, boolean unknownPeriod) {
        var text = new StringBuilder("*AI support, ").append(period.label).append("*");
        if (unknownPeriod) {
            text.append(" (period not understood: use day or week)");
        }
        text.append("\nQuestions: ").append(stats.questions())
                .append("\nAnswered by Maple: ").append(stats.maple())
                .append("\nFallbacks: ").append(stats.fallbacks())
                .append(" (FAQ-only ").append(stats.faqOnly())
                .append(", degraded ").append(stats.degraded())
                .append(", throttled ").append(stats.throttled()).append(")")
                .append("\nFallback rate: ").append(stats.fallbackRate() == null ? "n/a"
                        : String.format(Locale.ROOT, "%.1f%%", 100 * stats.fallbackRate()))
                .append("\nFeedback: 👍 ").append(stats.helpful()).append(" · 👎 ").append(stats.notHelpful());
        return text.toString();
    }
}
