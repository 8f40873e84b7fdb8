package io.hull.customerio.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.hull.UserClaims;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookIdentityTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void userIdMappingIdPutsTheCustomerIdInId() throws Exception {
        ConnectorProperties connector = new ConnectorProperties();
        connector.getSettings().setUserIdMapping("id");
        UserClaims claims = new WebhookIdentity(connector).claims(json.readTree("{\"identifiers\":{\"id\":\"5908\"}}"), "email");
        assertThat(claims.id()).isEqualTo("5908");
        assertThat(claims.externalId()).isNull();
    }

    @Test
    void userIdMappingEmailMakesTheCustomerIdTheEmailNotAnExternalId() throws Exception {
        ConnectorProperties connector = new ConnectorProperties();
        connector.getSettings().setUserIdMapping("email");
        UserClaims claims = new WebhookIdentity(connector)
                .claims(json.readTree("{\"customer_id\":\"sven@hull.io\",\"identifiers\":{\"id\":\"sven@hull.io\"}}"), "push");
        assertThat(claims.email()).isEqualTo("sven@hull.io");
        assertThat(claims.externalId()).isNull();
        assertThat(claims.id()).isNull();
    }

    @Test
    void aMappingToAnotherAttributeIsNoClaim() throws Exception {
        ConnectorProperties connector = new ConnectorProperties();
        connector.getSettings().setUserIdMapping("traits_crm/id");
        UserClaims claims = new WebhookIdentity(connector).claims(json.readTree("{\"identifiers\":{\"id\":\"crm-1\"}}"), "email");
        assertThat(claims.isEmpty()).isTrue();
    }

    @ParameterizedTest(name = "[{0}] → [{1}]")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "sven@hull.io                 | sven@hull.io",
            "Sven <sven+dt7@hull.io>      | sven+dt7@hull.io",
            "\"Sven M.\" <sven@x.io>      | sven@x.io",
            "+14155550100                 | null",
            "#general                     | null",
            "https://example.com/hook     | null",
            "not an address               | null",
            "Sven <>                      | null",
    })
    void emailOnlyWhenItIsAnAddress(String value, String expected) {
        assertThat(WebhookIdentity.email(value)).isEqualTo(expected);
    }
}
