package io.hull.customerio.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DoorsTest {

    @Test
    void everyConnectorsWebhookUrlIsOneDoorAndItsTokenIsNeverLogged() {
        assertThat(Doors.of("/webhooks/c1/tok-en_1")).isEqualTo(Doors.CONNECTOR_WEBHOOKS);
        assertThat(Doors.of("/webhooks/c1")).isEqualTo("/webhooks/c1");
        assertThat(Doors.of("/webhooks/c1/t/x")).isEqualTo("/webhooks/c1/t/x");
        assertThat(Doors.of("/webhooks//t")).isEqualTo("/webhooks//t");
        assertThat(Doors.of("/webhook")).isEqualTo("/webhook");
        assertThat(Doors.loggable("/webhooks/c1/secret-token")).isEqualTo("/webhooks/c1/***");
        assertThat(RequestScreening.abbreviate("/webhooks/c1/secret-token/more")).isEqualTo("/webhooks/c1/***");
        assertThat(Doors.loggable("/batch/1")).isEqualTo("/batch/1");
        assertThat(RefusedRequests.door("/webhooks/c1/t")).isEqualTo("webhook");
        assertThat(RefusedRequests.door("/credentials")).isEqualTo("credentials");
    }
}
