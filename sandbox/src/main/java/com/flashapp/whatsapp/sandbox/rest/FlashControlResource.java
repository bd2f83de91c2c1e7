package com.flashapp.whatsapp.sandbox.rest;

import com.flashapp.whatsapp.sandbox.fault.Fault;
import com.flashapp.whatsapp.sandbox.fault.Faults;
import com.flashapp.whatsapp.sandbox.flash.FlashState;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** Control API of the Flash simulator for tests and the chat page (shapes pinned in the sandbox issue). */
@Path("/sandbox/flash")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class FlashControlResource {

    /** Body of POST /sandbox/flash/payments; amount in sats (BTC) or cents (USD). */
    public record PaymentRequest(String toUsername, String toPhone, Long amount, String walletCurrency, String memo,
                                 String fromUsername) {
    }

    /** Body of POST /sandbox/flash/prices. */
    public record PriceRequest(Long btcUsdPrice, String currency, BigDecimal unitsPerUsd) {
    }

    private final FlashState state;
    private final Faults faults;

    public FlashControlResource(FlashState state, Faults faults) {
        this.state = state;
        this.faults = faults;
    }

    @POST
    @Path("/users")
    public Map<String, Object> upsertUser(FlashState.UserSpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("body required: {phone, username, btcSats, usdCents, displayCurrency}");
        }
        return state.upsertUser(spec);
    }

    @DELETE
    @Path("/users")
    public Response reset() {
        state.reset();
        return Response.noContent().build();
    }

    @GET
    @Path("/users")
    public List<Map<String, Object>> users(@QueryParam("phone") String phone) {
        if (phone != null) {
            return state.userByPhone(phone).map(List::of).orElse(List.of());
        }
        return state.users();
    }

    @GET
    @Path("/otp")
    public Map<String, Object> otp(@QueryParam("phone") String phone) {
        return state.lastCode(phone).orElseThrow(() -> new NotFoundException("No code was sent to that phone"));
    }

    /** Body of POST /sandbox/flash/app/send-code. */
    public record SendCodeRequest(String phone) {
    }

    /**
     * The Flash app's <i>Send code</i> button (the chat page has one): Flash issues a login code for the phone, as it
     * does for the app, and the answer is what the phone receives ({@code {phone, code, channel, expiresAt}}).
     * Flash's hourly limit per phone reached → 429.
     */
    @POST
    @Path("/app/send-code")
    public Map<String, Object> appSendCode(SendCodeRequest request) {
        if (request == null || request.phone() == null || request.phone().isBlank()) {
            throw new IllegalArgumentException("body required: {phone} (E.164, e.g. +18765550123)");
        }
        return state.appSendsCode(request.phone().trim()).orElseThrow(() -> new WebApplicationException(
                "Flash has sent too many codes to " + request.phone().trim() + " in the last hour; try again later",
                429));
    }

    /** Test hook: makes the last code for the phone expire now. */
    @POST
    @Path("/otp/expire")
    @Consumes(MediaType.WILDCARD)
    public Response expireOtp(@QueryParam("phone") String phone) {
        if (!state.expireCode(phone)) {
            throw new NotFoundException("No code was sent to that phone");
        }
        return Response.noContent().build();
    }

    @POST
    @Path("/payments")
    public Map<String, Object> payment(PaymentRequest request) {
        if (request == null || request.amount() == null || (request.toUsername() == null && request.toPhone() == null)) {
            throw new IllegalArgumentException("body required: {toUsername | toPhone, amount, walletCurrency}");
        }
        var currency = request.walletCurrency() == null ? "USD" : request.walletCurrency();
        var txId = state.simulatePayment(request.toUsername(), request.toPhone(), request.amount(), currency,
                request.memo(), request.fromUsername());
        return Map.of("transactionId", txId);
    }

    @GET
    @Path("/prices")
    public Map<String, Object> prices() {
        return state.prices();
    }

    @POST
    @Path("/prices")
    public Map<String, Object> setPrices(PriceRequest request) {
        if (request == null) {
            throw new IllegalArgumentException("body required: {btcUsdPrice?, currency?, unitsPerUsd?}");
        }
        state.setPrices(request.btcUsdPrice(), request.currency(), request.unitsPerUsd());
        return state.prices();
    }

    @GET
    @Path("/faults")
    public Object activeFaults() {
        return faults.flash().active();
    }

    @POST
    @Path("/faults")
    public Response addFault(Fault fault) {
        faults.flash().add(fault).ifPresent(error -> {
            throw new IllegalArgumentException(error);
        });
        return Response.ok(faults.flash().active()).build();
    }

    @DELETE
    @Path("/faults")
    public Response clearFaults() {
        faults.flash().clear();
        return Response.noContent().build();
    }
}
