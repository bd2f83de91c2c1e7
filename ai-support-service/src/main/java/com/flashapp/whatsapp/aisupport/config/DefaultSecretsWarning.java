package com.flashapp.whatsapp.aisupport.config;

import io.quarkus.logging.Log;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Warns loudly when a production launch still uses the documented dev secrets (never logs the values). */
@ApplicationScoped
public class DefaultSecretsWarning {

    static final String DEV_ADMIN_TOKEN = "dev-admin-token";
    static final String DEV_MEMORY_KEY = "ZGV2LW9ubHktbWVtb3J5LWtleS0zMi1ieXRlcy0hISE=";

    void check(@Observes StartupEvent event, SupportConfig config) {
        if (LaunchMode.current() != LaunchMode.NORMAL) {
            return;
        }
        if (DEV_ADMIN_TOKEN.equals(config.adminToken())) {
            Log.warn("SUPPORT_ADMIN_TOKEN is not set: the operator endpoints use the dev token");
        }
        if (DEV_MEMORY_KEY.equals(config.memory().key())) {
            Log.warn("MEMORY_KEY is not set: conversation memory is encrypted with the dev key");
        }
    }
}
