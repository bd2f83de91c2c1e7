package com.flashapp.whatsapp.contracts;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The codec reads and writes records by reflection, outside Quarkus' own REST and messaging paths, so a native
 * image needs each of them registered. The contracts jar ships that registration as GraalVM's standard
 * {@code META-INF/native-image/.../reflect-config.json}; this test keeps it complete.
 */
class NativeReflectionConfigTest {

    @Test
    void reflectConfigRegistersEveryTypeReachableFromAMessage() throws Exception {
        var config = new ObjectMapper().readTree(getClass().getResourceAsStream(
                "/META-INF/native-image/com.flashapp.whatsapp/contracts/reflect-config.json"));
        var registered = new TreeSet<String>();
        config.forEach(entry -> registered.add(entry.get("name").asText()));

        assertEquals(reachable(), registered);
    }

    private static Set<String> reachable() {
        var found = new TreeSet<String>();
        var todo = new ArrayDeque<Type>(MessageTypes.all().values());
        while (!todo.isEmpty()) {
            var type = todo.pop();
            if (type instanceof ParameterizedType p) {
                todo.addAll(java.util.List.of(p.getActualTypeArguments()));
                continue;
            }
            if (!(type instanceof Class<?> c) || !c.getName().startsWith("com.flashapp.whatsapp.contracts")) {
                continue;
            }
            if (found.add(c.getName()) && c.isRecord()) {
                for (var component : c.getRecordComponents()) {
                    todo.add(component.getGenericType());
                }
            }
        }
        return found;
    }
}
