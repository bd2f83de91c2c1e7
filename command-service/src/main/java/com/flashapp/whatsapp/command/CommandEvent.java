package com.flashapp.whatsapp.command;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

import java.time.Instant;

/** One handled message for usage telemetry: which command, how it ended, how long it took. No body. */
@Entity
@Table(name = "command_event")
public class CommandEvent {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "command_event_seq")
    @SequenceGenerator(name = "command_event_seq", sequenceName = "command_event_seq", allocationSize = 50)
    public Long id;

    @Column(name = "user_ref")
    public String userRef;

    public String command;

    public String outcome;

    @Column(name = "latency_ms")
    public long latencyMs;

    @Column(name = "occurred_at")
    public Instant occurredAt;
}
