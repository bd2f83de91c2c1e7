package com.flashapp.whatsapp.gateway.rest;

import com.flashapp.whatsapp.gateway.metrics.GatewayMetrics;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A failure that is a bug is answered without internals and logged by class and place, never by its message. */
@QuarkusTest
class ProblemMapperTest {

    @Inject
    GatewayMetrics metrics;

    @Test
    void anUnexpectedFailureIsLoggedByClassNotByItsMessage() {
        var records = new ArrayList<LogRecord>();
        var handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        var logger = Logger.getLogger(ProblemMapper.class.getName());
        logger.addHandler(handler);
        try {
            // a parser's message quoting the request: a number and a message body
            var failure = new IllegalStateException("Unexpected value 'whatsapp:+18765550123' in Body=send 5 to bob");
            var response = new ProblemMapper(metrics).unexpected(failure);

            assertEquals(500, response.getStatus());
            var problem = (Problem) response.getEntity();
            assertFalse(problem.detail().contains("876555"), problem.detail());
            var logged = records.stream().map(ProblemMapperTest::text).toList();
            assertTrue(logged.stream().anyMatch(line -> line.contains(IllegalStateException.class.getName())), logged.toString());
            assertTrue(logged.stream().noneMatch(line -> line.contains("876555") || line.contains("send 5")), logged.toString());
        } finally {
            logger.removeHandler(handler);
        }
    }

    private static String text(LogRecord record) {
        var message = record.getMessage();
        var parameters = record.getParameters();
        if (parameters != null) {
            message = message + " " + List.of(parameters);
        }
        return message + (record.getThrown() == null ? "" : " " + record.getThrown());
    }
}
