package com.flashapp.whatsapp.balance.lnurl;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.util.List;

/** The system resolver, off the event loop (a lookup blocks). */
@ApplicationScoped
public class DnsHostResolver implements HostResolver {

    @Override
    public Uni<List<InetAddress>> resolve(String host) {
        return Uni.createFrom().item(() -> {
            try {
                return List.of(InetAddress.getAllByName(host));
            } catch (java.net.UnknownHostException e) {
                return List.<InetAddress>of();
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
