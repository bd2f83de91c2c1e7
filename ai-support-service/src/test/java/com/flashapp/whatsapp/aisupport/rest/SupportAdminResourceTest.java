package com.flashapp.whatsapp.aisupport.rest;

import com.flashapp.whatsapp.aisupport.repository.Interaction;
import com.flashapp.whatsapp.aisupport.repository.InteractionRepository;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

/** The operator endpoints: report figures over a known period, FAQ reload, admin token. */
@QuarkusTest
class SupportAdminResourceTest {

    private static final String TOKEN = "dev-admin-token";

    @Inject
    InteractionRepository interactions;

    @Inject
    Pool pool;

    @Test
    void theReportComputesItsFiguresOverThePeriod() {
        // a period no live traffic can touch: the year 2000, owned by this test
        pool.query("delete from support_interaction where created_at < '2001-01-01'").execute().await().indefinitely();
        var day1 = Instant.parse("2000-01-01T10:00:00Z");
        var day2 = Instant.parse("2000-01-02T10:00:00Z");
        record(day1, Interaction.Source.AI, 100, 0.9, List.of("fees", "limits"), "what are the fees", true);
        record(day1, Interaction.Source.AI, 200, 0.8, List.of("fees"), "fees please", false);
        record(day1, Interaction.Source.KB_FALLBACK, 300, 0.7, List.of("send-money"), "how to send", true);
        record(day2, Interaction.Source.UNAVAILABLE, 400, 0.2, List.of(), "can i buy a car", null);
        record(day2, Interaction.Source.AI, 1000, 0.3, List.of("price"), "can i buy a car", null);
        record(day2, Interaction.Source.THROTTLED, 1, null, List.of(), null, null);

        given().header("X-Admin-Token", TOKEN)
                .queryParam("from", "2000-01-01T00:00:00Z").queryParam("to", "2000-01-03T00:00:00Z")
                .get("/support/report").then().statusCode(200)
                .body("questions", is(6))
                .body("answered", is(5))
                .body("throttled", is(1))
                .body("aiAnswers", is(3))
                .body("fallbackAnswers", is(2))
                .body("fallbackRate", is(0.4f))
                .body("latencyP50Ms", is(300))
                .body("latencyP95Ms", is(880))
                .body("promptTokens", is(300))
                .body("completionTokens", is(30))
                .body("feedbackCount", is(3))
                .body("helpfulRate", is(0.667f))
                .body("answersPerDay", hasSize(2))
                .body("answersPerDay[0].day", is("2000-01-01"))
                .body("answersPerDay[0].answers", is(3))
                .body("answersPerDay[0].fallbacks", is(1))
                .body("answersPerDay[1].answers", is(2))
                .body("topUnanswered", hasSize(1))
                .body("topUnanswered[0].question", is("can i buy a car"))
                .body("topUnanswered[0].count", is(2))
                .body("topFaqEntries.faqId", contains("fees", "price", "send-money"))
                .body("topFaqEntries[0].answers", is(2))
                .body("topFaqEntries[0].helpful", is(1))
                .body("topFaqEntries[0].notHelpful", is(1));
    }

    @Test
    void operatorEndpointsNeedTheAdminTokenAndAnswerProblems() {
        given().get("/support/report").then().statusCode(401)
                .contentType("application/problem+json")
                .body("status", is(401)).body("title", is("Unauthorized")).body("trace", nullValue());
        given().header("X-Admin-Token", "wrong").post("/support/faq/reload").then().statusCode(401);
        given().header("X-Admin-Token", TOKEN).queryParam("days", 0).get("/support/report").then().statusCode(400)
                .body("title", is("Bad Request"));
        given().header("X-Admin-Token", TOKEN).queryParam("days", 7).get("/support/report").then().statusCode(200)
                .body("questions", greaterThanOrEqualTo(0));
    }

    @Test
    void reloadingAnUnchangedFaqReEmbedsNothing() {
        given().header("X-Admin-Token", TOKEN).post("/support/faq/reload").then().statusCode(200)
                .body("version", is(1))
                .body("added", is(0)).body("updated", is(0)).body("removed", is(0))
                .body("unchanged", greaterThanOrEqualTo(40))
                .body("changedIds", hasSize(0));
    }

    private void record(Instant at, Interaction.Source source, long latency, Double score, List<String> faqIds,
                        String question, Boolean helpful) {
        var id = "test-" + UUID.randomUUID();
        var tokens = source == Interaction.Source.AI ? 100 : 0;
        interactions.record(new Interaction(id, "u_report_test", at, source, latency, tokens, tokens / 10, score,
                faqIds, faqIds.stream().map(f -> 0.5).toList(), question)).await().indefinitely();
        if (helpful != null) {
            interactions.find(id).flatMap(info -> interactions.saveFeedback(info.orElseThrow(), "u_report_test",
                    helpful, null)).await().indefinitely();
        }
    }
}
