package com.flashapp.whatsapp.balance.payment;

import com.flashapp.whatsapp.balance.Link;
import com.flashapp.whatsapp.balance.config.WalletConfig;
import com.flashapp.whatsapp.balance.mfa.MfaPolicy;
import com.flashapp.whatsapp.balance.repository.AuditRepository;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.ZoneId;

/**
 * The risk rules for money leaving a wallet, on top of the MFA policy: hard limits (per payment, per day) that
 * refuse, then the policy's session / amount / new-recipient / daily-total rules and a velocity rule that ask
 * for a fresh code. A code given after the request arrived satisfies the step-up for that request, so a request
 * resumed after its code goes ahead instead of asking again. Every decision is audited.
 */
@ApplicationScoped
public class RiskRules {

    /** REFUSE (a hard limit, with the text for the user), STEP_UP (fresh code first) or ALLOW. */
    public record Verdict(Outcome outcome, String reason, MfaPolicy.Decision decision) {

        public enum Outcome { ALLOW, STEP_UP, REFUSE }
    }

    private final MfaPolicy policy;
    private final AuditRepository audit;
    private final PaymentRepository payments;
    private final WalletConfig.Send config;
    private final ZoneId zone;

    public RiskRules(MfaPolicy policy, AuditRepository audit, PaymentRepository payments, WalletConfig config,
                     com.flashapp.whatsapp.balance.config.BalanceConfig balanceConfig) {
        this.policy = policy;
        this.audit = audit;
        this.payments = payments;
        this.config = config.send();
        this.zone = ZoneId.of(balanceConfig.format().zone());
    }

    /** Decides for a payment of {@code usdCents} to {@code recipientKey}, asked at {@code requestedAt}. */
    public Uni<Verdict> evaluate(Link link, String recipientKey, long usdCents, Instant requestedAt, Instant now) {
        var userRef = link.userRef();
        return payments.sentSince(userRef, startOfDay(now))
                .flatMap(today -> payments.countSince(userRef, now.minus(config.velocityWindow()))
                        .flatMap(recent -> payments.knownRecipient(userRef, recipientKey)
                                .map(known -> decide(link, usdCents, today, recent, !known, requestedAt, now))))
                .call(verdict -> {
                    Log.infof("Payment risk for %s: %s (%s)", userRef, verdict.outcome(), verdict.reason());
                    return audit.record(userRef, MfaPolicy.Operation.SEND_MONEY.name(), verdict.outcome().name(),
                            verdict.reason(), now);
                });
    }

    /**
     * The hard limit a payment of {@code usdCents} would break now ({@code over_payment_limit},
     * {@code over_daily_limit}), or null. No code lifts these; an invite's payment is checked again when it is paid.
     */
    public Uni<String> hardLimit(String userRef, long usdCents, Instant now) {
        return payments.sentSince(userRef, startOfDay(now)).map(today -> hardLimit(usdCents, today));
    }

    private String hardLimit(long usdCents, long sentToday) {
        if (usdCents > config.maxPerPaymentCents()) {
            return "over_payment_limit";
        }
        return sentToday + usdCents > config.maxPerDayCents() ? "over_daily_limit" : null;
    }

    private Instant startOfDay(Instant now) {
        return now.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
    }

    Verdict decide(Link link, long usdCents, long sentToday, int recentCount, boolean newRecipient,
                   Instant requestedAt, Instant now) {
        var limit = hardLimit(usdCents, sentToday);
        if (limit != null) {
            return new Verdict(Verdict.Outcome.REFUSE, limit, null);
        }
        var freshCode = link.verifiedAt() != null && !link.verifiedAt().isBefore(requestedAt);
        var decision = policy.evaluate(MfaPolicy.Operation.SEND_MONEY,
                new MfaPolicy.Session(link.verifiedAt(), link.lastActivityAt()),
                new MfaPolicy.Movement(usdCents, newRecipient, sentToday), now);
        if (!decision.allowed()) {
            return freshCode ? new Verdict(Verdict.Outcome.ALLOW, "fresh_code:" + decision.reason(), decision)
                    : new Verdict(Verdict.Outcome.STEP_UP, decision.reason(), decision);
        }
        if (recentCount >= config.velocityMax() && !freshCode) {
            var reason = "velocity_" + recentCount + "_in_" + config.velocityWindow().toMinutes() + "m";
            return new Verdict(Verdict.Outcome.STEP_UP, reason, new MfaPolicy.Decision(
                    MfaPolicy.Decision.Outcome.STEP_UP, reason));
        }
        return new Verdict(Verdict.Outcome.ALLOW, decision.reason(), decision);
    }
}
