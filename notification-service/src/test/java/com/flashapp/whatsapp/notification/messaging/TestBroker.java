package com.flashapp.whatsapp.notification.messaging;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.MessageCodec;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.eclipse.microprofile.config.ConfigProvider;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** A plain AMQP client for tests: publishes as another service would and reads queues as an operator would. */
public final class TestBroker implements AutoCloseable {

    private final Connection connection;
    private final Channel channel;

    public TestBroker() throws Exception {
        var config = ConfigProvider.getConfig();
        var factory = new ConnectionFactory();
        factory.setHost(config.getValue("rabbitmq-host", String.class));
        factory.setPort(config.getValue("rabbitmq-port", Integer.class));
        factory.setUsername(config.getValue("rabbitmq-username", String.class));
        factory.setPassword(config.getValue("rabbitmq-password", String.class));
        connection = factory.newConnection("notification-service-test");
        channel = connection.createChannel();
        channel.confirmSelect();
    }

    public void publish(String exchange, ContractMessage message) throws Exception {
        publish(exchange, message.routingKey(), MessageCodec.encode(message));
    }

    public void publish(String exchange, String routingKey, byte[] body) throws Exception {
        var props = new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build();
        channel.basicPublish(exchange, routingKey, props, body);
        channel.waitForConfirmsOrDie(5_000);
    }

    public void purge(String queue) throws Exception {
        channel.queuePurge(queue);
    }

    public GetResponse get(String queue) throws Exception {
        return channel.basicGet(queue, true);
    }

    /** Ready plus unacknowledged messages of a queue, from the management API; -1 before its first figures. */
    public static int depth(String queue) {
        JsonPath json = RestAssured.given().urlEncodingEnabled(false).auth().preemptive().basic("guest", "guest")
                .get("http://localhost:15672/api/queues/%2F/" + URLEncoder.encode(queue, StandardCharsets.UTF_8))
                .then().statusCode(200).extract().jsonPath();
        Integer messages = json.get("messages");
        return messages == null ? -1 : messages;
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
