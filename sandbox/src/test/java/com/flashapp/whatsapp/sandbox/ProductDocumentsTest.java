package com.flashapp.whatsapp.sandbox;

import graphql.language.AstPrinter;
import graphql.language.FragmentDefinition;
import graphql.language.OperationDefinition;
import graphql.parser.Parser;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Contract test: every GraphQL document the product's services ship (src/main/resources/**.graphql in the sibling
 * modules, fragments appended as the services do) is executed against the real Flash schema in the simulator.
 * A document that does not parse or validate fails this test.
 */
@QuarkusTest
class ProductDocumentsTest {

    private static final Pattern SPREAD = Pattern.compile("\\.\\.\\.\\s*([A-Za-z_][A-Za-z0-9_]*)");

    @Test
    void everyDocumentTheProductSendsIsValidAgainstTheRealSchema() throws IOException {
        var documents = productDocuments();
        System.out.println("Product GraphQL documents checked against the Flash schema: " + documents.keySet());
        var failures = check(documents);
        assertTrue(failures.isEmpty(), "Invalid product documents: " + failures);
    }

    @Test
    void theCheckCatchesAnInvalidDocument() {
        var failures = check(Map.of("bad.graphql", "query Bad { me { id defaultAccount { shoeSize } } }",
                "badVar.graphql", "query BadVar($c: NoSuchType) { realtimePrice(currency: $c) { id } }"));
        assertTrue(failures.stream().anyMatch(f -> f.startsWith("bad.graphql:")), failures.toString());
        assertTrue(failures.stream().anyMatch(f -> f.startsWith("badVar.graphql:")), failures.toString());
    }

    private static List<String> check(Map<String, String> documents) {
        var failures = new ArrayList<String>();
        var phone = TestData.randomPhone();
        TestData.user(phone, TestData.randomUsername(), 1_000, 1_000);
        var token = TestData.login(phone);
        // logout documents last: they end the shared session
        var ordered = documents.entrySet().stream()
                .sorted(Comparator.comparing(e -> e.getValue().contains("userLogout")))
                .toList();
        for (var entry : ordered) {
            var operation = Parser.parse(entry.getValue()).getDefinitionsOfType(OperationDefinition.class).get(0);
            var hasVariables = !operation.getVariableDefinitions().isEmpty();
            var result = given().contentType(ContentType.JSON).header("Authorization", "Bearer " + token)
                    .body(Map.of("query", entry.getValue()))
                    .post("/graphql").then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> errors = result.getList("errors");
            if (errors == null) {
                continue;
            }
            for (var error : errors) {
                @SuppressWarnings("unchecked")
                var code = String.valueOf(((Map<String, Object>) error.getOrDefault("extensions", Map.of())).get("code"));
                // a document must parse and validate; documents with variables are sent without them, so
                // "missing variable" (BAD_USER_INPUT) is expected there. Execution errors (e.g. a field the
                // simulator does not resolve) are reported, not failed: the schema is the contract.
                boolean invalid = "GRAPHQL_PARSE_FAILED".equals(code) || "GRAPHQL_VALIDATION_FAILED".equals(code)
                        || (!hasVariables && "BAD_USER_INPUT".equals(code));
                if (invalid) {
                    failures.add(entry.getKey() + ": " + error.get("message") + " (" + code + ")");
                } else if (!hasVariables) {
                    System.out.println("Simulator could not fully answer " + entry.getKey() + ": " + error.get("message"));
                }
            }
        }
        return failures;
    }

    /** Operation documents of the sibling modules, each with the fragments (from its folder) it uses. */
    static Map<String, String> productDocuments() throws IOException {
        var result = new HashMap<String, String>();
        var root = Path.of("..").toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            return result;
        }
        try (Stream<Path> modules = Files.list(root)) {
            for (var module : modules.filter(Files::isDirectory).filter(m -> !m.endsWith("sandbox")).toList()) {
                var resources = module.resolve("src/main/resources");
                if (!Files.isDirectory(resources)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(resources)) {
                    var graphqlFiles = files.filter(f -> f.toString().endsWith(".graphql")).toList();
                    var fragments = new HashMap<Path, Map<String, String>>();
                    for (var file : graphqlFiles) {
                        var text = Files.readString(file);
                        var document = Parser.parse(text);
                        var folderFragments = fragments.computeIfAbsent(file.getParent(), k -> new HashMap<>());
                        for (var fragment : document.getDefinitionsOfType(FragmentDefinition.class)) {
                            folderFragments.put(fragment.getName(), AstPrinter.printAst(fragment));
                        }
                    }
                    for (var file : graphqlFiles) {
                        var text = Files.readString(file);
                        if (Parser.parse(text).getDefinitionsOfType(OperationDefinition.class).isEmpty()) {
                            continue;
                        }
                        var used = usedFragments(text, fragments.getOrDefault(file.getParent(), Map.of()));
                        var full = new StringBuilder(text);
                        used.forEach(name -> full.append('\n').append(fragments.get(file.getParent()).get(name)));
                        result.put(root.relativize(file).toString(), full.toString());
                    }
                }
            }
        }
        return result;
    }

    private static Set<String> usedFragments(String text, Map<String, String> available) {
        var used = new LinkedHashSet<String>();
        var pending = new ArrayList<String>();
        pending.add(text);
        while (!pending.isEmpty()) {
            var matcher = SPREAD.matcher(pending.remove(0));
            while (matcher.find()) {
                var name = matcher.group(1);
                if (!"on".equals(name) && available.containsKey(name) && used.add(name)) {
                    pending.add(available.get(name));
                }
            }
        }
        return used;
    }
}
