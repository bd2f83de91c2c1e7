package com.flashapp.whatsapp.balance.lnurl;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * Collects a response body up to a size and fails the download past it, while it is read: an answer too large is
 * never held in memory whole.
 */
final class CappedBody implements WriteStream<Buffer> {

    /** The body was larger than allowed. */
    static final class TooLarge extends RuntimeException {
        TooLarge() {
            super("response body too large", null, false, false);
        }
    }

    private final int max;
    private final Buffer body = Buffer.buffer();

    CappedBody(int max) {
        this.max = max;
    }

    Buffer body() {
        return body;
    }

    @Override
    public Future<Void> write(Buffer data) {
        if (body.length() + data.length() > max) {
            return Future.failedFuture(new TooLarge());
        }
        body.appendBuffer(data);
        return Future.succeededFuture();
    }

    @Override
    public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
        var result = write(data);
        if (handler != null) {
            handler.handle(result);
        }
    }

    @Override
    public void end(Handler<AsyncResult<Void>> handler) {
        if (handler != null) {
            handler.handle(Future.succeededFuture());
        }
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return false;
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        return this;
    }
}
