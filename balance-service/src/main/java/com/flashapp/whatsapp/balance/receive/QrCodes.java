package com.flashapp.whatsapp.balance.receive;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;

/**
 * QR code PNGs of invoices (ZXing). The invoice is encoded upper-case with the {@code lightning:} scheme: bech32
 * is case-insensitive and upper case fits QR's compact alphanumeric mode, so the code is smaller and scans
 * faster. Pure CPU work of a few milliseconds; callers on the event loop may run it inline.
 */
public final class QrCodes {

    private QrCodes() {
    }

    /** The text a wallet scans for an invoice. */
    public static String content(String paymentRequest) {
        return "LIGHTNING:" + paymentRequest.toUpperCase(Locale.ROOT);
    }

    /** A square PNG of {@code size} pixels encoding {@link #content(String)} of the invoice. */
    public static byte[] invoicePng(String paymentRequest, int size) {
        return png(content(paymentRequest), size);
    }

    /** A square PNG QR code of any text. */
    public static byte[] png(String text, int size) {
        try {
            var matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, size, size,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 2));
            var out = new ByteArrayOutputStream();
            MatrixToImageWriter.writeToStream(matrix, "PNG", out);
            return out.toByteArray();
        } catch (WriterException e) {
            throw new IllegalArgumentException("text too long for a QR code", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
