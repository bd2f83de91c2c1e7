package com.flashapp.whatsapp.balance.service;

/** WhatsApp addresses and phone numbers: conversion and masking for logs. */
public final class Phones {

    private Phones() {
    }

    /** {@code whatsapp:+18765550101} to {@code +18765550101}. */
    public static String e164(String whatsapp) {
        if (whatsapp == null) {
            throw new IllegalArgumentException("no WhatsApp address");
        }
        return whatsapp.startsWith("whatsapp:") ? whatsapp.substring("whatsapp:".length()) : whatsapp;
    }

    /** {@code +18765550101} to {@code +1876***0101}, for logs and replies. */
    public static String mask(String phoneOrAddress) {
        if (phoneOrAddress == null) {
            return "?";
        }
        var phone = e164(phoneOrAddress);
        if (phone.length() < 8) {
            return "***";
        }
        return phone.substring(0, 5) + "***" + phone.substring(phone.length() - 4);
    }
}
