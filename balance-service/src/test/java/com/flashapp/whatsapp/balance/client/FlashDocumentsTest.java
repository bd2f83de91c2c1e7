package com.flashapp.whatsapp.balance.client;

import graphql.ExecutionInput;
import graphql.ParseAndValidate;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.UnExecutableSchemaGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every GraphQL document balance-service sends is valid against Flash's real schema (offline). */
class FlashDocumentsTest {

    static GraphQLSchema schema;

    @BeforeAll
    static void loadSchema() throws Exception {
        var sdl = Files.readString(Path.of("../sandbox/src/main/resources/flash/flash-schema.graphql"));
        schema = UnExecutableSchemaGenerator.makeUnExecutableSchema(new SchemaParser().parse(sdl));
    }

    @Test
    void everyDocumentIsValidAgainstTheFlashSchema() {
        for (var operation : FlashDocuments.OPERATIONS) {
            var document = FlashDocuments.document(operation);
            var result = ParseAndValidate.parseAndValidate(schema,
                    ExecutionInput.newExecutionInput(document).operationName(operation).build());
            assertEquals("[]", result.getErrors().toString(), operation + " is invalid:\n" + document);
        }
    }

    @Test
    void documentsCarryOnlyTheFragmentsTheyUse() {
        var balance = FlashDocuments.document("Balance");
        assertTrue(balance.contains("fragment PriceFields on RealtimePrice"));
        assertTrue(balance.contains("fragment WalletFields on Wallet"));
        assertFalse(balance.contains("fragment ErrorFields"));
        assertFalse(FlashDocuments.document("UserLogin").contains("fragment WalletFields"));
    }

    @Test
    void theValidatorRejectsAFieldFlashDoesNotHave() {
        var result = ParseAndValidate.parseAndValidate(schema,
                ExecutionInput.newExecutionInput("query { me { defaultAccount { balanceInJmd } } }").build());
        assertFalse(result.getErrors().isEmpty(), "the offline check must be able to fail");
    }
}
