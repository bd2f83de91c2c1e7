package com.flashapp.whatsapp.balance.service;

import com.flashapp.whatsapp.balance.Link;
import com.flashapp.whatsapp.balance.mfa.MfaPolicy;
import com.flashapp.whatsapp.balance.repository.AuditRepository;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/** Applies {@link MfaPolicy} to a user's link and writes every decision to the audit log. */
@ApplicationScoped
public class MfaGuard {

    private final MfaPolicy policy;
    private final AuditRepository audit;

    public MfaGuard(MfaPolicy policy, AuditRepository audit) {
        this.policy = policy;
        this.audit = audit;
    }

    public Uni<MfaPolicy.Decision> check(MfaPolicy.Operation operation, Link link, Instant now) {
        var decision = policy.evaluate(operation, new MfaPolicy.Session(link.verifiedAt(), link.lastActivityAt()), now);
        Log.infof("MFA %s for %s on %s: %s", decision.outcome(), link.userRef(), operation, decision.reason());
        return audit.record(link.userRef(), operation.name(), decision.outcome().name(), decision.reason(), now)
                .replaceWith(decision);
    }

    /** Records a code check outcome (passed / failed / locked) in the same audit log. */
    public Uni<Void> recordCode(String userRef, String purpose, String outcome, Instant now) {
        var operation = purpose.startsWith("mfa:") ? "MFA_CODE" : "LINK_CODE";
        return audit.record(userRef, operation, outcome, purpose.startsWith("mfa:") ? "mfa" : purpose, now);
    }
}
