package com.flashapp.whatsapp.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal HTTP/1.1 client for load generation: a fixed set of persistent (keep-alive) connections, one request in
 * flight per connection, all driven by the caller's thread through one NIO selector. It sends pre-built request
 * bytes and parses only what it needs of the answer (status line, Content-Length or chunked framing,
 * Connection: close), so it costs little CPU next to the server it measures. Latency is taken from just before the
 * request is written to when the full response has been read. Not thread-safe: one thread calls everything.
 */
final class KeepAliveClient implements AutoCloseable {

    /** Told of every finished request: an HTTP status, or a transport error (status -1, error name). */
    interface Listener {
        void completed(int status, String error, long latencyNanos, boolean measured);
    }

    private static final int MAX_RESPONSE_BYTES = 1 << 20;

    private final List<InetSocketAddress> addresses;
    private final Selector selector;
    private final Listener listener;
    private final long timeoutNanos;
    private final List<Connection> all = new ArrayList<>();
    private final ArrayDeque<Connection> idle = new ArrayDeque<>();
    private long nextTimeoutCheck;

    KeepAliveClient(InetSocketAddress address, int connections, long timeoutNanos, Listener listener) throws IOException {
        this(List.of(address), connections, timeoutNanos, listener);
    }

    /** Connections spread over {@code addresses} (replicas of one server), one after the other. */
    KeepAliveClient(List<InetSocketAddress> addresses, int connections, long timeoutNanos, Listener listener)
            throws IOException {
        this.addresses = List.copyOf(addresses);
        this.selector = Selector.open();
        this.listener = listener;
        this.timeoutNanos = timeoutNanos;
        for (int i = 0; i < connections; i++) {
            var connection = new Connection(this.addresses.get(i % this.addresses.size()));
            all.add(connection);
            idle.add(connection);
        }
    }

    /** Connections with no request in flight. */
    int idle() {
        return idle.size();
    }

    /** Requests in flight. */
    int busy() {
        return all.size() - idle.size();
    }

    /** Sends {@code request} on an idle connection; false when every connection is busy. */
    boolean send(byte[] request, boolean measured) {
        return send(request, measured, 0);
    }

    /**
     * Sends {@code request} on an idle connection, its latency counted from {@code intendedStartNanos} when that is
     * set (fixed rate: the time the schedule said it should go, so time spent waiting for a free connection or a
     * late loop counts against the server instead of being omitted), else from the write.
     */
    boolean send(byte[] request, boolean measured, long intendedStartNanos) {
        var connection = idle.poll();
        if (connection == null) {
            return false;
        }
        connection.start(request, measured, intendedStartNanos);
        return true;
    }

    /** Handles whatever I/O is ready, waiting at most {@code maxWaitNanos} (0: do not wait). */
    void poll(long maxWaitNanos) throws IOException {
        if (maxWaitNanos <= 0) {
            selector.selectNow();
        } else {
            selector.select(Math.max(1, maxWaitNanos / 1_000_000));
        }
        var keys = selector.selectedKeys();
        for (var key : keys) {
            var connection = (Connection) key.attachment();
            if (!key.isValid()) {
                continue;
            }
            if (key.isWritable()) {
                connection.write();
            } else if (key.isReadable()) {
                connection.read();
            }
        }
        keys.clear();
        var now = System.nanoTime();
        if (now >= nextTimeoutCheck) {
            nextTimeoutCheck = now + 100_000_000L;
            for (var connection : all) {
                if (connection.inFlight && now - connection.started > timeoutNanos) {
                    connection.fail("HttpTimeoutException");
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        for (var connection : all) {
            connection.closeChannel();
        }
        selector.close();
    }

    /** One keep-alive connection and the request on it. */
    private final class Connection {
        private final InetSocketAddress address;
        private SocketChannel channel;
        private SelectionKey key;
        private ByteBuffer out;
        private ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        private long started;
        private boolean measured;
        private boolean inFlight;

        Connection(InetSocketAddress address) {
            this.address = address;
        }

        void start(byte[] request, boolean measured, long intendedStartNanos) {
            this.measured = measured;
            this.inFlight = true;
            this.out = ByteBuffer.wrap(request);
            in.clear();
            try {
                if (channel == null) {
                    connect();
                }
                started = intendedStartNanos != 0 ? Math.min(intendedStartNanos, System.nanoTime())
                        : System.nanoTime();
                write();
            } catch (IOException e) {
                started = System.nanoTime();
                fail(e.getClass().getSimpleName());
            }
        }

        private void connect() throws IOException {
            channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(address); // blocking, loopback: immediate
            channel.configureBlocking(false);
            key = channel.register(selector, 0, this);
        }

        void write() {
            try {
                channel.write(out);
                key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            } catch (IOException e) {
                fail(e.getClass().getSimpleName());
            }
        }

        void read() {
            int n;
            try {
                if (!in.hasRemaining()) {
                    if (in.capacity() >= MAX_RESPONSE_BYTES) {
                        fail("ResponseTooLarge");
                        return;
                    }
                    in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
                }
                n = channel.read(in);
            } catch (IOException e) {
                fail(e.getClass().getSimpleName());
                return;
            }
            if (!inFlight) {
                // bytes or a close with nothing asked: the server closed an idle keep-alive connection
                closeChannel();
                return;
            }
            var closed = n < 0;
            var parsed = Response.parse(in.array(), in.position(), closed);
            if (parsed == null) {
                if (closed) {
                    fail("EOFException");
                }
                return;
            }
            var nanos = System.nanoTime() - started;
            inFlight = false;
            if (parsed.close() || closed) {
                closeChannel();
            }
            idle.add(this);
            listener.completed(parsed.status(), null, nanos, measured);
        }

        void fail(String error) {
            var nanos = System.nanoTime() - started;
            closeChannel();
            if (inFlight) {
                inFlight = false;
                idle.add(this);
                listener.completed(-1, error, nanos, measured);
            }
        }

        void closeChannel() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing a broken connection
                }
                channel = null;
                key = null;
            }
        }
    }

    /** The parts of an HTTP/1.1 response the bench needs. */
    record Response(int status, boolean close) {

        /** The response if {@code length} bytes hold a complete one, else null (read more). */
        static Response parse(byte[] b, int length, boolean eof) {
            var headerEnd = indexOf(b, length, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (headerEnd < 0 || length < 12) {
                return null;
            }
            var status = (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
            long contentLength = -1;
            var chunked = false;
            var close = false;
            var lineStart = indexOf(b, headerEnd, "\r\n".getBytes(StandardCharsets.US_ASCII)) + 2;
            while (lineStart < headerEnd) {
                var lineEnd = lineStart;
                while (lineEnd < headerEnd && b[lineEnd] != '\r') {
                    lineEnd++;
                }
                var line = new String(b, lineStart, lineEnd - lineStart, StandardCharsets.US_ASCII);
                var colon = line.indexOf(':');
                if (colon > 0) {
                    var name = line.substring(0, colon).trim();
                    var value = line.substring(colon + 1).trim();
                    if (name.equalsIgnoreCase("content-length")) {
                        contentLength = Long.parseLong(value);
                    } else if (name.equalsIgnoreCase("transfer-encoding")) {
                        chunked = value.toLowerCase().contains("chunked");
                    } else if (name.equalsIgnoreCase("connection")) {
                        close = value.equalsIgnoreCase("close");
                    }
                }
                lineStart = lineEnd + 2;
            }
            var bodyStart = headerEnd + 4;
            if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
                return new Response(status, close);
            }
            if (chunked) {
                return chunkedComplete(b, bodyStart, length) ? new Response(status, close) : null;
            }
            if (contentLength >= 0) {
                return length - bodyStart >= contentLength ? new Response(status, close) : null;
            }
            return eof ? new Response(status, true) : null; // body until the server closes
        }

        private static boolean chunkedComplete(byte[] b, int pos, int length) {
            while (true) {
                var lineEnd = indexOf(b, pos, length, (byte) '\r');
                if (lineEnd < 0 || lineEnd + 1 >= length) {
                    return false;
                }
                var sizeText = new String(b, pos, lineEnd - pos, StandardCharsets.US_ASCII);
                var semicolon = sizeText.indexOf(';');
                var size = Integer.parseInt((semicolon < 0 ? sizeText : sizeText.substring(0, semicolon)).trim(), 16);
                pos = lineEnd + 2;
                if (size == 0) {
                    // no trailers expected: the final CRLF ends the message
                    return length - pos >= 2;
                }
                pos += size + 2;
                if (pos > length) {
                    return false;
                }
            }
        }

        private static int indexOf(byte[] b, int length, byte[] pattern) {
            outer:
            for (int i = 0; i + pattern.length <= length; i++) {
                for (int j = 0; j < pattern.length; j++) {
                    if (b[i + j] != pattern[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        private static int indexOf(byte[] b, int from, int length, byte value) {
            for (int i = from; i < length; i++) {
                if (b[i] == value) {
                    return i;
                }
            }
            return -1;
        }
    }
}
