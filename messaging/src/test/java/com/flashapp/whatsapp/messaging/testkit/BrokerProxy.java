package com.flashapp.whatsapp.messaging.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy between the service and the real broker, for faults a test needs on one service's connections only:
 * {@link #cut()} drops every connection (as a network cut or a broker restart would), {@link #freeze()} stops passing
 * anything from the broker to the service (confirms and deliveries stop coming, the connection stays open), and
 * {@link #refuse(boolean)} refuses new connections (the broker is away).
 */
public final class BrokerProxy implements AutoCloseable {

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean frozen;
    private volatile boolean refusing;
    private volatile boolean closed;

    public BrokerProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        var acceptor = new Thread(this::accept, "broker-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Drops every open connection through the proxy. */
    public void cut() {
        for (var socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
    }

    /** Stops (true) or resumes (false) passing bytes from the broker to the service. */
    public void freeze(boolean on) {
        frozen = on;
    }

    public void freeze() {
        freeze(true);
    }

    /** Refuses new connections (true) or accepts them again (false). */
    public void refuse(boolean on) {
        refusing = on;
    }

    /** Open connections through the proxy. */
    public int connections() {
        return sockets.size() / 2;
    }

    private void accept() {
        while (!closed) {
            try {
                var client = server.accept();
                if (refusing) {
                    closeQuietly(client);
                    continue;
                }
                var broker = new Socket(targetHost, targetPort);
                sockets.add(client);
                sockets.add(broker);
                pump(client, broker, false);
                pump(broker, client, true);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean fromBroker) {
        var thread = new Thread(() -> {
            var buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                while (true) {
                    while (fromBroker && frozen && !from.isClosed()) {
                        Thread.sleep(20);
                    }
                    var n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    // frozen while this read was waiting: hold what it brought too
                    while (fromBroker && frozen && !from.isClosed()) {
                        Thread.sleep(20);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // one side closed: close the other
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "broker-proxy-" + (fromBroker ? "in" : "out"));
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly2();
        cut();
    }

    private void closeQuietly2() {
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
