package com.flashapp.whatsapp.notification.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static com.flashapp.whatsapp.notification.repository.OutboxRepository.instant;
import static com.flashapp.whatsapp.notification.repository.OutboxRepository.odt;

/** Read-only figures for admin reports: delivery over a period, and what is stored about one user. */
@ApplicationScoped
public class AdminReportRepository {

    private final Pool pool;
    private final AddressCipher addresses;

    public AdminReportRepository(Pool pool, AddressCipher addresses) {
        this.pool = pool;
        this.addresses = addresses;
    }

    /** An error code and how many failed or undelivered messages carried it. */
    public record ErrorCount(String code, long count) {
    }

    /**
     * Delivery over a period, by the messages stored in it: {@code sent} = Twilio accepted them (whatever came
     * after), {@code delivered} includes read, {@code pending} = still queued or sending, {@code held} = payment
     * notifications waiting for quiet hours or a digest, {@code templateFallbacks} = messages that went (or are
     * going) out as the approved template instead of free-form.
     */
    public record DeliveryStats(long stored, long sent, long delivered, long read, long failed, long pending,
                                long held, long retries, long templateFallbacks, List<ErrorCount> topErrors) {
    }

    public Uni<DeliveryStats> deliveryStats(Instant from, Instant to, int topErrors) {
        var period = Tuple.of(odt(from), odt(to));
        var counts = pool.preparedQuery("select count(*) as stored, "
                        + "count(*) filter (where m.sent_at is not null) as sent, "
                        + "count(*) filter (where m.state in ('delivered', 'read')) as delivered, "
                        + "count(*) filter (where m.state = 'read') as read, "
                        + "count(*) filter (where m.state in ('failed', 'undelivered')) as failed, "
                        + "count(*) filter (where m.state in ('queued', 'sending')) as pending, "
                        + "count(*) filter (where (m.use_template and m.kind <> 'template') or exists ("
                        + "select 1 from outbound_event f where f.message_id = m.id "
                        + "and f.state = 'template_fallback')) as fallbacks, "
                        + "coalesce(sum((select count(*) from outbound_event r where r.message_id = m.id "
                        + "and r.state = 'retry')), 0) as retries "
                        + "from outbound_message m where m.created_at >= $1 and m.created_at < $2")
                .execute(period)
                .map(rows -> rows.iterator().next());
        var held = pool.preparedQuery("select count(*) from payment_notification where state = 'held' "
                        + "and created_at >= $1 and created_at < $2")
                .execute(period)
                .map(rows -> rows.iterator().next().getLong(0));
        var errors = pool.preparedQuery("select error_code, count(*) as n from outbound_message "
                        + "where created_at >= $1 and created_at < $2 and state in ('failed', 'undelivered') "
                        + "and error_code is not null group by error_code order by n desc, error_code limit $3")
                .execute(Tuple.of(odt(from), odt(to), topErrors))
                .map(rows -> {
                    var list = new ArrayList<ErrorCount>();
                    rows.forEach(r -> list.add(new ErrorCount(r.getString("error_code"), r.getLong("n"))));
                    return list;
                });
        return Uni.combine().all().unis(counts, held, errors).asTuple().map(t -> {
            var r = t.getItem1();
            return new DeliveryStats(r.getLong("stored"), r.getLong("sent"), r.getLong("delivered"),
                    r.getLong("read"), r.getLong("failed"), r.getLong("pending"), t.getItem2(),
                    r.getLong("retries"), r.getLong("fallbacks"), List.copyOf(t.getItem3()));
        });
    }

    /** One user's messages stored since a moment, by outcome. */
    public record UserActivity(long stored, long sent, long delivered, long failed, long pending) {
    }

    /** What is stored about a user besides preferences: the address (if linked), the last inbound, activity. */
    public record UserFacts(Optional<String> whatsapp, Optional<Instant> lastInboundAt, UserActivity activity) {
    }

    public Uni<UserFacts> userFacts(String userRef, Instant since) {
        var address = pool.preparedQuery("select whatsapp from account_link where user_ref = $1")
                .execute(Tuple.of(userRef))
                .map(rows -> rows.size() == 0 ? Optional.<String>empty()
                        : addresses.decrypt(rows.iterator().next().getString(0), userRef));
        var inbound = pool.preparedQuery("select last_inbound_at from inbound_window where user_ref = $1")
                .execute(Tuple.of(userRef))
                .map(rows -> rows.size() == 0 ? Optional.<Instant>empty()
                        : Optional.ofNullable(instant(rows.iterator().next().getOffsetDateTime(0))));
        var activity = pool.preparedQuery("select count(*) as stored, "
                        + "count(*) filter (where sent_at is not null) as sent, "
                        + "count(*) filter (where state in ('delivered', 'read')) as delivered, "
                        + "count(*) filter (where state in ('failed', 'undelivered')) as failed, "
                        + "count(*) filter (where state in ('queued', 'sending')) as pending "
                        + "from outbound_message where user_ref = $1 and created_at >= $2")
                .execute(Tuple.of(userRef, odt(since)))
                .map(rows -> {
                    var r = rows.iterator().next();
                    return new UserActivity(r.getLong("stored"), r.getLong("sent"), r.getLong("delivered"),
                            r.getLong("failed"), r.getLong("pending"));
                });
        return Uni.combine().all().unis(address, inbound, activity).asTuple()
                .map(t -> new UserFacts(t.getItem1(), t.getItem2(), t.getItem3()));
    }
}
