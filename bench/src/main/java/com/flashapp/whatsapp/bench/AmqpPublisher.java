package com.flashapp.whatsapp.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The smallest AMQP 0-9-1 publisher the notification bench needs (JDK only, like the rest of the bench): one
 * connection, one channel in confirm mode, persistent messages, PLAIN login. The management API's HTTP publish
 * topped out near 200 messages/s on the development machine, below what the service must handle, so the bench
 * publishes over the broker's own protocol. Thread-safe: each publish writes its three frames under one lock.
 */
final class AmqpPublisher implements AutoCloseable {

    private static final int FRAME_METHOD = 1;
    private static final int FRAME_HEADER = 2;
    private static final int FRAME_BODY = 3;
    private static final int FRAME_END = 0xCE;
    private static final int CHANNEL = 1;

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final Object writeLock = new Object();
    /** Unconfirmed delivery tags → the bench's sequence number. */
    private final ConcurrentSkipListMap<Long, Integer> unconfirmed = new ConcurrentSkipListMap<>();
    private final AtomicInteger nacked = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final IntConsumer onNack;
    private volatile String error;
    private long nextTag;
    private int frameMax = 131_072;

    AmqpPublisher(String host, int port, String user, String password, String vhost, IntConsumer onNack)
            throws IOException {
        this.onNack = onNack;
        socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
        out.write(new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 1});
        out.flush();
        expect(0, 10, 10); // connection.start
        var startOk = new Args().table().shortStr("PLAIN").longStr("\0" + user + "\0" + password).shortStr("en_US");
        method(0, 10, 11, startOk);
        var tune = expect(0, 10, 30);
        int channelMax = tune.readUnsignedShort();
        frameMax = tune.readInt();
        method(0, 10, 31, new Args().shortInt(channelMax).longInt(frameMax).shortInt(0)); // no heartbeats
        method(0, 10, 40, new Args().shortStr(vhost).shortStr("").octet(0));
        expect(0, 10, 41);
        method(CHANNEL, 20, 10, new Args().shortStr(""));
        expect(CHANNEL, 20, 11);
        method(CHANNEL, 85, 10, new Args().octet(0)); // confirm.select
        expect(CHANNEL, 85, 11);
        var reader = new Thread(this::readConfirms, "amqp-confirms");
        reader.setDaemon(true);
        reader.start();
    }

    /** Publishes a persistent JSON message; {@code seq} is reported to onNack if the broker refuses it. */
    void publish(String exchange, String routingKey, byte[] body, int seq) throws IOException {
        if (error != null) {
            throw new IOException(error);
        }
        if (body.length > frameMax - 8) {
            throw new IOException("body larger than one frame");
        }
        synchronized (writeLock) {
            unconfirmed.put(++nextTag, seq);
            writeFrame(FRAME_METHOD, CHANNEL, method(60, 40, new Args().shortInt(0).shortStr(exchange)
                    .shortStr(routingKey).octet(0)));
            var header = new Args().shortInt(60).shortInt(0).longLong(body.length).shortInt(0x8000 | 0x1000)
                    .shortStr("application/json").octet(2);
            writeFrame(FRAME_HEADER, CHANNEL, header.bytes());
            writeFrame(FRAME_BODY, CHANNEL, body);
            out.flush();
        }
    }

    /** Waits until the broker confirmed (or refused) everything published; false on timeout. */
    boolean awaitConfirms(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!unconfirmed.isEmpty() && error == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(5); // waiting for the broker's acks in a load generator, not a test
        }
        return unconfirmed.isEmpty();
    }

    int nacked() {
        return nacked.get();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            synchronized (writeLock) {
                writeFrame(FRAME_METHOD, 0, method(10, 50, new Args().shortInt(200).shortStr("bench done")
                        .shortInt(0).shortInt(0)));
                out.flush();
            }
            closed.await(5, TimeUnit.SECONDS);
        } finally {
            socket.close();
        }
    }

    private void readConfirms() {
        try {
            while (true) {
                int type = in.readUnsignedByte();
                in.readUnsignedShort();
                var payload = new byte[in.readInt()];
                in.readFully(payload);
                if (in.readUnsignedByte() != FRAME_END || type != FRAME_METHOD) {
                    continue; // heartbeats are off; nothing else is expected
                }
                var args = new DataInputStream(new java.io.ByteArrayInputStream(payload));
                int classId = args.readUnsignedShort();
                int methodId = args.readUnsignedShort();
                if (classId == 60 && (methodId == 80 || methodId == 120)) {
                    long tag = args.readLong();
                    boolean multiple = (args.readUnsignedByte() & 1) != 0;
                    var done = multiple ? unconfirmed.headMap(tag, true) : unconfirmed.subMap(tag, true, tag, true);
                    if (methodId == 120) {
                        done.values().forEach(seq -> {
                            nacked.incrementAndGet();
                            onNack.accept(seq);
                        });
                    }
                    done.clear();
                } else if (classId == 10 && methodId == 51) {
                    closed.countDown();
                    return;
                } else if ((classId == 10 && methodId == 50) || (classId == 20 && methodId == 40)) {
                    int code = args.readUnsignedShort();
                    var text = new byte[args.readUnsignedByte()];
                    args.readFully(text);
                    error = "broker closed the " + (classId == 10 ? "connection" : "channel") + ": " + code + " "
                            + new String(text, StandardCharsets.UTF_8);
                    closed.countDown();
                    return;
                }
            }
        } catch (IOException e) {
            if (error == null) {
                error = "connection lost: " + e;
            }
            closed.countDown();
        }
    }

    private DataInputStream expect(int channel, int classId, int methodId) throws IOException {
        while (true) {
            int type = in.readUnsignedByte();
            int ch = in.readUnsignedShort();
            var payload = new byte[in.readInt()];
            in.readFully(payload);
            if (in.readUnsignedByte() != FRAME_END) {
                throw new IOException("bad frame end");
            }
            if (type != FRAME_METHOD) {
                continue;
            }
            var args = new DataInputStream(new java.io.ByteArrayInputStream(payload));
            int c = args.readUnsignedShort();
            int m = args.readUnsignedShort();
            if (ch == channel && c == classId && m == methodId) {
                return args;
            }
            throw new IOException("expected " + classId + "." + methodId + " but the broker sent " + c + "." + m
                    + " (wrong credentials or virtual host?)");
        }
    }

    private void method(int channel, int classId, int methodId, Args args) throws IOException {
        writeFrame(FRAME_METHOD, channel, method(classId, methodId, args));
        out.flush();
    }

    private static byte[] method(int classId, int methodId, Args args) {
        return new Args().shortInt(classId).shortInt(methodId).raw(args.bytes()).bytes();
    }

    private void writeFrame(int type, int channel, byte[] payload) throws IOException {
        out.writeByte(type);
        out.writeShort(channel);
        out.writeInt(payload.length);
        out.write(payload);
        out.writeByte(FRAME_END);
    }

    /** AMQP argument encoding (big-endian, short strings with a one-byte length). */
    private static final class Args {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final DataOutputStream data = new DataOutputStream(bytes);

        Args octet(int v) {
            return write(() -> data.writeByte(v));
        }

        Args shortInt(int v) {
            return write(() -> data.writeShort(v));
        }

        Args longInt(int v) {
            return write(() -> data.writeInt(v));
        }

        Args longLong(long v) {
            return write(() -> data.writeLong(v));
        }

        Args shortStr(String s) {
            var b = s.getBytes(StandardCharsets.UTF_8);
            return write(() -> {
                data.writeByte(b.length);
                data.write(b);
            });
        }

        Args longStr(String s) {
            var b = s.getBytes(StandardCharsets.UTF_8);
            return write(() -> {
                data.writeInt(b.length);
                data.write(b);
            });
        }

        /** An empty field table. */
        Args table() {
            return longInt(0);
        }

        Args raw(byte[] b) {
            return write(() -> data.write(b));
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }

        private Args write(IoAction action) {
            try {
                action.run();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return this;
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }
}
