package com.flashapp.whatsapp.contracts;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.math.BigDecimal;

/**
 * The wire format of every message: UTF-8 JSON, ISO-8601 instants, decimal amounts as strings, nulls omitted,
 * unknown fields ignored
 * (so a producer can add a field before every consumer knows it). Pinned by the golden-file tests.
 */
public final class MessageCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            // amounts travel as strings ("5.00"): exact in every language, never a binary float
            .withConfigOverride(BigDecimal.class,
                    o -> o.setFormat(JsonFormat.Value.forShape(JsonFormat.Shape.STRING)))
            .build();

    private MessageCodec() {
    }

    /** The JSON bytes of a message. */
    public static byte[] encode(ContractMessage message) {
        try {
            return MAPPER.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    /** Reads a message; throws {@link MalformedMessageException} when the bytes are not that record. */
    public static <T extends ContractMessage> T decode(byte[] json, Class<T> type) {
        try {
            var message = MAPPER.readValue(json, type);
            if (message == null || message.envelope() == null) {
                throw new MalformedMessageException(type.getSimpleName() + " without envelope");
            }
            return message;
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            // the parser's class and where it failed (the JSON path), never its message or the cause: those quote
            // the offending value, which may be a phone number or a message body, into every log line that says why
            var where = e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping
                    && !mapping.getPath().isEmpty() ? " at " + mapping.getPathReference() : "";
            throw new MalformedMessageException("not a valid " + type.getSimpleName() + ": "
                    + e.getClass().getSimpleName() + where);
        }
    }

    /**
     * The {@code envelope.userRef} of encoded message bytes, or null (none, or not a message), for bytes encoded
     * earlier and published again (an outbox); reads only as far as that field.
     */
    public static String userRef(byte[] json) {
        try (var parser = MAPPER.getFactory().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                var field = parser.currentName();
                if (parser.nextToken() == JsonToken.START_OBJECT && "envelope".equals(field)) {
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        var name = parser.currentName();
                        var value = parser.nextToken();
                        if ("userRef".equals(name)) {
                            return value == JsonToken.VALUE_STRING ? parser.getText() : null;
                        }
                        parser.skipChildren();
                    }
                    return null;
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads the message published on {@code exchange} with {@code routingKey}, using {@link MessageTypes}. */
    public static ContractMessage decode(byte[] json, String exchange, String routingKey) {
        return decode(json, MessageTypes.recordFor(exchange, routingKey));
    }

    /** Thrown for bytes that are not a valid contract message: such a message goes to the dead-letter queue. */
    public static final class MalformedMessageException extends RuntimeException {
        public MalformedMessageException(String message) {
            super(message);
        }

        public MalformedMessageException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
