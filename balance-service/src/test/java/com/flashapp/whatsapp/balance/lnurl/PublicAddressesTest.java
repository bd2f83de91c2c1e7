package com.flashapp.whatsapp.balance.lnurl;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PublicAddressesTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1",
            "169.254.169.254", "100.64.0.1", "100.127.255.254", "0.0.0.0", "0.1.2.3", "224.0.0.1", "255.255.255.255",
            "240.0.0.1", "192.0.2.10", "198.51.100.7", "203.0.113.9", "198.18.0.1", "192.0.0.8",
            "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "2001:db8::1", "::ffff:127.0.0.1",
            "::ffff:10.1.2.3", "64:ff9b::a00:1", "64:ff9b::7f00:1", "::127.0.0.1"})
    void refusesAddressesThatAreNotOnThePublicInternet(String address) throws Exception {
        assertFalse(PublicAddresses.isPublic(InetAddress.getByName(address)), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1.1.1", "8.8.8.8", "100.63.255.255", "100.128.0.1", "172.15.0.1", "172.32.0.1",
            "192.169.0.1", "198.20.0.1", "203.0.114.1", "2606:4700:4700::1111", "2a00:1450::1", "::ffff:8.8.8.8",
            "64:ff9b::808:808"})
    void acceptsPublicAddresses(String address) throws Exception {
        assertTrue(PublicAddresses.isPublic(InetAddress.getByName(address)), address);
    }
}
