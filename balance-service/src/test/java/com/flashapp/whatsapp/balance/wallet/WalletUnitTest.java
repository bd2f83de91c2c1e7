package com.flashapp.whatsapp.balance.wallet;

import com.flashapp.whatsapp.balance.client.FlashDocuments;
import com.flashapp.whatsapp.balance.client.FlashWalletClient;
import com.flashapp.whatsapp.balance.payment.Bolt11Amount;
import com.flashapp.whatsapp.balance.receive.QrCodes;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import graphql.ExecutionInput;
import graphql.ParseAndValidate;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.UnExecutableSchemaGenerator;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Offline checks of the wallet transactions: GraphQL documents against Flash's schema, QR codes, invoices. */
class WalletUnitTest {

    @Test
    void everyWalletDocumentIsValidAgainstTheFlashSchema() throws Exception {
        var sdl = Files.readString(Path.of("../sandbox/src/main/resources/flash/flash-schema.graphql"));
        var schema = UnExecutableSchemaGenerator.makeUnExecutableSchema(new SchemaParser().parse(sdl));
        for (var operation : FlashWalletClient.OPERATIONS) {
            var document = FlashDocuments.document(operation);
            var result = ParseAndValidate.parseAndValidate(schema,
                    ExecutionInput.newExecutionInput(document).operationName(operation).build());
            assertEquals("[]", result.getErrors().toString(), operation + " is invalid:\n" + document);
        }
    }

    @Test
    void theQrCodeDecodesToTheInvoice() throws Exception {
        var invoice = "lnbc50u1p" + "qpzry9x8gf2tvdw0s3jn54khce6mua7l".repeat(8);
        var png = QrCodes.invoicePng(invoice, 400);
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        var image = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(400, image.getWidth());
        var result = new MultiFormatReader().decode(new BinaryBitmap(new HybridBinarizer(
                new BufferedImageLuminanceSource(image))));
        assertEquals("LIGHTNING:" + invoice.toUpperCase(), result.getText());
        assertEquals(invoice, result.getText().substring("LIGHTNING:".length()).toLowerCase());
    }

    @Test
    void invoiceAmountsAreReadFromTheHumanReadablePart() {
        var data = "qpzry9x8gf2tvdw0s3jn54khce6mua7l".repeat(2);
        assertEquals(5000, Bolt11Amount.sats(Bolt11Amount.normalise("lnbc50u1" + data)).getAsLong());
        assertEquals(1000, Bolt11Amount.sats(Bolt11Amount.normalise("LIGHTNING:LNBC10000N1" + data.toUpperCase()))
                .getAsLong());
        assertEquals(150_000_000, Bolt11Amount.sats(Bolt11Amount.normalise("lnbc1500m1" + data)).getAsLong());
        assertTrue(Bolt11Amount.sats(Bolt11Amount.normalise("lnbc1" + data)).isEmpty(), "no amount");
        assertNull(Bolt11Amount.normalise("hello world"));
        assertNull(Bolt11Amount.normalise("lnbc50u1short"));
    }
}
