package com.flashapp.whatsapp.balance.lnurl;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

/**
 * The tests' resolver: a few made-up domains resolve to addresses inside the network (as a hostile or mistaken
 * Lightning address domain would); every other name goes to the system resolver.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class StubHostResolver implements HostResolver {

    static final Map<String, List<String>> NAMES = Map.of(
            "loopback.example", List.of("127.0.0.1"),
            "metadata.example", List.of("169.254.169.254"),
            // one public and one private address: refused (DNS could hand out either)
            "mixed.example", List.of("8.8.8.8", "10.0.0.5"),
            "cgnat.example", List.of("100.64.1.1"),
            "v6local.example", List.of("fd00::1"),
            "nowhere.example", List.of());

    private final DnsHostResolver dns = new DnsHostResolver();

    @Override
    public Uni<List<InetAddress>> resolve(String host) {
        var addresses = NAMES.get(host);
        if (addresses == null) {
            return dns.resolve(host);
        }
        return Uni.createFrom().item(() -> addresses.stream().map(StubHostResolver::parse).toList());
    }

    private static InetAddress parse(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
