package com.flashapp.whatsapp.balance.lnurl;

import io.smallrye.mutiny.Uni;

import java.net.InetAddress;
import java.util.List;

/** Resolves a host name to its addresses (a seam: tests resolve names to whatever address they need). */
public interface HostResolver {

    Uni<List<InetAddress>> resolve(String host);
}
