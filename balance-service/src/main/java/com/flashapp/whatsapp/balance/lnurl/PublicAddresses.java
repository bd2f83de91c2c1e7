package com.flashapp.whatsapp.balance.lnurl;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * balance-service calls hosts that users name (the domain of a Lightning address, and whatever callback that domain
 * returns): only public addresses, or a user could make it call the cluster's own services (SSRF). A host is
 * accepted only if every address it resolves to is public — not loopback, link-local, private (RFC 1918), CGNAT
 * (100.64/10), unique-local (fc00::/7), multicast, unspecified, or reserved for documentation, benchmarking or the
 * future — and the caller then connects to the address it checked (no second lookup that DNS could answer
 * differently).
 */
@ApplicationScoped
public class PublicAddresses {

    /** The host does not resolve, or resolves to an address that is not public. */
    public static final class NotPublic extends RuntimeException {
        NotPublic(String host) {
            super(host + " is not a public address", null, false, false);
        }
    }

    private final HostResolver resolver;

    public PublicAddresses(HostResolver resolver) {
        this.resolver = resolver;
    }

    /** The address to connect to for {@code host}, or a {@link NotPublic} failure. */
    public Uni<InetAddress> resolve(String host) {
        return resolver.resolve(host).map(addresses -> {
            if (addresses.isEmpty() || !addresses.stream().allMatch(PublicAddresses::isPublic)) {
                throw new NotPublic(host);
            }
            return addresses.get(0);
        });
    }

    /** Whether an address is on the public internet. */
    public static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        var b = address.getAddress();
        if (address instanceof Inet4Address) {
            return publicV4(b, 0);
        }
        if (address instanceof Inet6Address) {
            var first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) {
                return false; // unique local fc00::/7
            }
            if (first == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
                return false; // documentation 2001:db8::/32
            }
            if (isPrefix(b, new int[]{0, 0x64, 0xff, 0x9b}) && allZero(b, 4, 12)) {
                return publicV4(b, 12); // NAT64 64:ff9b::/96: the IPv4 address inside decides
            }
            if (allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                return publicV4(b, 12); // IPv4-mapped
            }
            if (allZero(b, 0, 12)) {
                return false; // IPv4-compatible (deprecated) and :: forms
            }
            return true;
        }
        return false;
    }

    private static boolean publicV4(byte[] b, int at) {
        int a = b[at] & 0xff;
        int s = b[at + 1] & 0xff;
        int t = b[at + 2] & 0xff;
        return !(a == 0                                  // "this network"
                || a == 10                               // private
                || a == 127                              // loopback
                || a == 100 && s >= 64 && s <= 127       // CGNAT 100.64/10
                || a == 169 && s == 254                  // link-local
                || a == 172 && s >= 16 && s <= 31        // private
                || a == 192 && s == 0 && (t == 0 || t == 2) // IETF protocol assignments, TEST-NET-1
                || a == 192 && s == 168                  // private
                || a == 198 && (s == 18 || s == 19)      // benchmarking
                || a == 198 && s == 51 && t == 100       // TEST-NET-2
                || a == 203 && s == 0 && t == 113        // TEST-NET-3
                || a >= 224);                            // multicast, reserved, broadcast
    }

    private static boolean isPrefix(byte[] b, int[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if ((b[i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
