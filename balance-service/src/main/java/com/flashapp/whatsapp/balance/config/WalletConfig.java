package com.flashapp.whatsapp.balance.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of the wallet transactions ({@code wallet.*}): history, receive, send with its risk rules, payment
 * requests, the contact directory and the Flash event bridge. Prod values come from the environment.
 */
@ConfigMapping(prefix = "wallet")
public interface WalletConfig {

    History history();

    Receive receive();

    Send send();

    Requests requests();

    Directory directory();

    Contacts contacts();

    Invites invites();

    Bridge bridge();

    /** {@code history}, {@code history 20}, {@code history more}, {@code history <n>}. */
    interface History {
        /** Entries shown by a plain {@code history}. */
        @WithDefault("5")
        int pageSize();

        /** The most entries one {@code history <limit>} shows (a WhatsApp message stays readable). */
        @WithDefault("20")
        int maxLimit();

        /** How long "history more" and "history <n>" refer to the last list shown. */
        @WithDefault("PT30M")
        Duration stateTtl();
    }

    /** {@code receive [amount] [unit] [memo]}. */
    interface Receive {
        /** Largest amount an invoice may ask for, in US cents (fiat amounts are converted first). */
        @WithDefault("100000")
        long maxUsdCents();

        /** Largest sats amount an invoice may ask for. */
        @WithDefault("1000000")
        long maxSats();

        /** Longest memo, in UTF-8 bytes (Flash's Memo scalar allows 639). */
        @WithDefault("200")
        int memoMaxBytes();

        /** Invoice lifetime asked of Flash, in minutes. */
        @WithDefault("60")
        int expiresInMinutes();

        /** The domain of Flash Lightning addresses ({@code username@domain}). */
        @WithDefault("flashapp.me")
        String lightningDomain();
    }

    /** {@code send}/{@code pay}: confirmation and the risk rules on top of the MFA guard. */
    interface Send {
        /** How long a confirmation card waits for YES. */
        @WithDefault("PT2M")
        Duration confirmationTtl();

        /** Hard cap per payment in US cents: above it the payment is refused, whatever the OTP. */
        @WithDefault("50000")
        long maxPerPaymentCents();

        /** Hard cap of payments per day in US cents. */
        @WithDefault("100000")
        long maxPerDayCents();

        /** More than this many payments within {@link #velocityWindow()} asks for a fresh code. */
        @WithDefault("3")
        int velocityMax();

        @WithDefault("PT10M")
        Duration velocityWindow();
    }

    /** {@code request 10 from @user}. */
    interface Requests {
        /** How long a payment request (and its invoice) stays open. */
        @WithDefault("PT24H")
        Duration ttl();

        /** Open requests listed at most. */
        @WithDefault("10")
        int listLimit();
    }

    /** The directory of linked users' WhatsApp addresses (send to / request from a phone number). */
    interface Directory {
        /** HMAC key for the phone-number index. Prod: from a secret ({@code WALLET_DIRECTORY_HASH_KEY}). */
        String hashKey();
    }

    /** Saved contacts ("save mom +1876…", a shared contact card; "send 5 to mom"). */
    interface Contacts {
        /** The most contacts one user keeps. */
        @WithDefault("50")
        int maxPerUser();

        /** Longest contact name, in characters. */
        @WithDefault("40")
        int nameMaxLength();

        /** How long "Save Mom (+1876***0123)?" waits for YES; an unconfirmed contact is deleted after it. */
        @WithDefault("PT5M")
        Duration confirmationTtl();

        /** Largest contact card (vCard) read, in bytes. */
        @WithDefault("16384")
        int vcardMaxBytes();

        /** Country code of a contact card's number written without one (ten digits: Jamaica's +1). */
        @WithDefault("1")
        String defaultCountryCode();

        /** Time-out of one contact card download from Twilio. */
        @WithDefault("PT5S")
        Duration vcardTimeout();

        /** Twilio's API base URL (media URLs are fetched only from here). Prod: {@code https://api.twilio.com}. */
        String twilioBaseUrl();

        /** Twilio account SID (Basic auth user of the media download). */
        String twilioAccountSid();

        /** Twilio auth token (Basic auth password of the media download). Prod: a secret. */
        String twilioAuthToken();
    }

    /** Invite payments: "send 5 to +1876…" for a number nobody linked, paid when that number links. */
    interface Invites {
        /** How long an invite waits for the number to link; then it expires and the sender is told. */
        @WithDefault("P7D")
        Duration ttl();

        /** Largest single invite, in US cents. */
        @WithDefault("10000")
        long maxPerInviteCents();

        /** Most US cents one sender may have in open invites at once. */
        @WithDefault("20000")
        long maxOpenCents();

        /** notification-service's approved template for the recipient's one message ({@code app.templates.content-sids.<key>}). */
        @WithDefault("payment_invite")
        String templateKey();

        /** How often expired invites are closed and their senders told (read by the scheduler's expression). */
        @WithDefault("1m")
        String expiryInterval();

        /**
         * Test hook, refused outside the dev, test and local profiles: a file holding an ISO-8601 duration (e.g.
         * {@code P8D}) that moves the invites' clock forward, so an end-to-end test can make invites expire. No file
         * (or an empty one): the system clock.
         */
        Optional<Path> clockFile();
    }

    /** The Flash event bridge: one {@code myUpdates} subscription per linked user, sharded by Redis leases. */
    interface Bridge {
        /** Whether this replica holds subscriptions at all. */
        @WithDefault("true")
        boolean enabled();

        /**
         * Flash's graphql-ws endpoint; unset, it is {@code balance.flash.url} with {@code ws(s)://} (right for the
         * sandbox; Flash's own hosts differ: {@code wss://ws.flashapp.me/graphql}).
         */
        Optional<String> wsUrl();

        /** This replica's id in the leases; defaults to a random id per start. */
        Optional<String> replicaId();

        /** A lease not renewed for this long is free: a dead replica's users move within about this. */
        @WithDefault("PT30S")
        Duration leaseTtl();

        /** How often leases are renewed and free users picked up. */
        @WithDefault("10s")
        String tick();

        /** Most subscriptions one replica holds. */
        @WithDefault("2000")
        int maxUsersPerReplica();

        /** First reconnect delay; doubles per failure up to {@link #backoffMax()}. */
        @WithDefault("PT1S")
        Duration backoffMin();

        @WithDefault("PT60S")
        Duration backoffMax();

        /** A connection without {@code connection_ack} this long after {@code connection_init} is retried. */
        @WithDefault("PT10S")
        Duration ackTimeout();

        /** Latest transactions per wallet read when reconciling. */
        @WithDefault("20")
        int reconcileDepth();
    }
}
