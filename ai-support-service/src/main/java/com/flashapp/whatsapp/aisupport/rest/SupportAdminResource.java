package com.flashapp.whatsapp.aisupport.rest;

import com.flashapp.whatsapp.aisupport.config.SupportConfig;
import com.flashapp.whatsapp.aisupport.knowledge.FaqReloader;
import com.flashapp.whatsapp.aisupport.repository.ReportRepository;
import com.flashapp.whatsapp.aisupport.service.SupportReport;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** Operator endpoints: the support report and the FAQ reload. Both need the admin token in {@code X-Admin-Token}. */
@Path("/support")
@Produces(MediaType.APPLICATION_JSON)
public class SupportAdminResource {

    static final String ADMIN_HEADER = "X-Admin-Token";
    private static final int MAX_DAYS = 366;

    private final SupportConfig config;
    private final ReportRepository reports;
    private final FaqReloader reloader;

    public SupportAdminResource(SupportConfig config, ReportRepository reports, FaqReloader reloader) {
        this.config = config;
        this.reports = reports;
        this.reloader = reloader;
    }

    /** Figures for the last {@code days} days, or for [{@code from}, {@code to}) (ISO instants). */
    @GET
    @Path("/report")
    public Uni<SupportReport> report(@HeaderParam(ADMIN_HEADER) String token, @QueryParam("days") Integer days,
                                     @QueryParam("from") String from, @QueryParam("to") String to) {
        authorise(token);
        Instant start;
        Instant end;
        try {
            end = to == null ? Instant.now() : Instant.parse(to);
            start = from != null ? Instant.parse(from) : end.minus(days == null ? 7 : days, ChronoUnit.DAYS);
        } catch (DateTimeParseException e) {
            throw new ProblemException(400, "Bad Request", "from and to must be ISO-8601 instants");
        }
        if (days != null && (days < 1 || days > MAX_DAYS) || !start.isBefore(end)) {
            throw new ProblemException(400, "Bad Request", "days must be 1.." + MAX_DAYS + " and from before to");
        }
        return reports.report(start, end, config.retrieval().unansweredThreshold());
    }

    /** Reloads the FAQ source now; only changed entries are re-embedded. */
    @POST
    @Path("/faq/reload")
    public Uni<FaqReloader.Result> reload(@HeaderParam(ADMIN_HEADER) String token) {
        authorise(token);
        return reloader.reload().onFailure(IllegalStateException.class)
                .transform(e -> new ProblemException(409, "Conflict", e.getMessage()));
    }

    private void authorise(String token) {
        var expected = config.adminToken().getBytes(StandardCharsets.UTF_8);
        var given = token == null ? new byte[0] : token.getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, given)) {
            throw new ProblemException(401, "Unauthorized", "A valid " + ADMIN_HEADER + " header is required.");
        }
    }
}
