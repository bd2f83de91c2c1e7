package com.flashapp.whatsapp.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.mockito.Mockito;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.after;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;

/** Acks go out together where that is safe, and never for a delivery still being handled. */
class AckWriterTest {

    final AckWriter writer = new AckWriter();
    final Channel channel = Mockito.mock(Channel.class);

    AckWriterTest() {
        Mockito.when(channel.isOpen()).thenReturn(true);
    }

    @AfterEach
    void stop() {
        writer.stop();
    }

    private Delivery delivery(long tag) {
        return new Delivery(channel, 1, tag, false, "message.text", new AMQP.BasicProperties(), new byte[0]);
    }

    @Test
    void aRunOfAcknowledgedDeliveriesIsOneMultipleAck() throws Exception {
        // settled from another thread while the writer sleeps: they arrive together
        for (long tag = 1; tag <= 5; tag++) {
            writer.settle(delivery(tag), AckWriter.Outcome.ACK);
        }
        verify(channel, timeout(2_000).atLeastOnce()).basicAck(5, true);
        verify(channel, never()).basicAck(anyLong(), Mockito.eq(false));
    }

    @Test
    void aDeliveryStillBeingHandledIsNeverCoveredByAMultipleAck() throws Exception {
        writer.settle(delivery(1), AckWriter.Outcome.ACK);
        verify(channel, timeout(2_000)).basicAck(1, true);
        // 2 is still being handled; 3 and 4 finish first
        writer.settle(delivery(3), AckWriter.Outcome.ACK);
        writer.settle(delivery(4), AckWriter.Outcome.ACK);
        verify(channel, timeout(2_000)).basicAck(3, false);
        verify(channel, timeout(2_000)).basicAck(4, false);
        verify(channel, after(200).never()).basicAck(Mockito.longThat(t -> t >= 2), Mockito.eq(true));

        writer.settle(delivery(2), AckWriter.Outcome.ACK);
        verify(channel, timeout(2_000)).basicAck(2, true);
    }

    @Test
    void aNackBreaksTheRunAndIsWrittenInOrder() throws Exception {
        writer.settle(delivery(1), AckWriter.Outcome.ACK);
        writer.settle(delivery(2), AckWriter.Outcome.REQUEUE);
        writer.settle(delivery(3), AckWriter.Outcome.ACK);
        writer.settle(delivery(4), AckWriter.Outcome.REJECT);
        InOrder order = Mockito.inOrder(channel);
        order.verify(channel, timeout(2_000)).basicAck(1, true);
        order.verify(channel, timeout(2_000)).basicNack(2, false, true);
        order.verify(channel, timeout(2_000)).basicAck(3, true);
        order.verify(channel, timeout(2_000)).basicNack(4, false, false);
    }

    @Test
    void aMarkCompletesOnlyOnceEverythingSettledBeforeItIsWritten() throws Exception {
        // the channel's writes are slow: the mark must wait for them (a shard is closed right after it completes)
        var written = new CountDownLatch(1);
        Mockito.doAnswer(invocation -> {
            Thread.sleep(300);
            written.countDown();
            return null;
        }).when(channel).basicAck(3, true);
        for (long tag = 1; tag <= 3; tag++) {
            writer.settle(delivery(tag), AckWriter.Outcome.ACK);
        }
        var mark = writer.written();
        mark.get(2, TimeUnit.SECONDS);
        assertEquals(0, written.getCount(), "the ack was written before the mark");
    }

    @Test
    void nothingIsWrittenOnAClosedChannel() throws Exception {
        Mockito.when(channel.isOpen()).thenReturn(false);
        writer.settle(delivery(1), AckWriter.Outcome.ACK);
        verify(channel, after(300).never()).basicAck(anyLong(), anyBoolean());
    }
}
