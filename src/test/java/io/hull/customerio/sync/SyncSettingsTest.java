package io.hull.customerio.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class SyncSettingsTest {

    /** A Kafka record written by a release without accounts: its settings have none, and they are off. */
    @Test
    void settingsWithoutAccountsReadAsAccountsOff() throws Exception {
        String written = """
                {"synchronizedSegments":["s"],"enableUserDeletion":false,"eventsFilter":[],"anonymousEvents":false,
                 "userIdMapping":"email","synchronizedAttributes":[],"maxAttributeNameLength":150,
                 "maxAttributeValueLength":1000,"maxIdentifierValueLength":150,"skipUsersWithoutEmail":true}""";

        SyncSettings settings = new ObjectMapper().readValue(written, SyncSettings.class);

        assertThat(settings.accounts().synchronizedAccountSegments()).isEmpty();
        assertThat(settings.accounts().linkUsersInService()).isFalse();
        assertThat(settings.userIdMapping()).isEqualTo("email");
    }
}
