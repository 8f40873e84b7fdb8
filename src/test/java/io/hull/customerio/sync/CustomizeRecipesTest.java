package io.hull.customerio.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.hull.customerio.support.ConnectorTestSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The recipes of docs/customizing.md, each as written there: its route replaces the shipped one of
 * routes/customize.yaml, and a notification shows the change in what Customer.io receives and, for a customer, in the
 * hash written back to Hull: the same user sent again with the traits Hull then holds sends nothing.
 */
@ExtendWith(OutputCaptureExtension.class)
// its routes are replaced while it runs: a context of its own, closed after it
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class CustomizeRecipesTest extends ConnectorTestSupport {

    private static final Map<String, String> RECIPES = recipes();
    private static final String CUSTOMER = "/api/v1/customers/sven%40hull.io";

    @Autowired
    CamelContext camel;

    @AfterEach
    void shippedRoutesAgain() throws Exception {
        replaceRoutes(Files.readString(Path.of("routes/customize.yaml")));
    }

    @Test
    void dropAnAttributeForOneSegmentsUsers() throws Exception {
        replaceRoutes(recipe("Drop an attribute for one segment's users"));
        ObjectNode notification = withAttributes("phone");
        ((ObjectNode) user(notification)).put("phone", "+49 30 1234");
        ObjectNode other = notification.deepCopy();
        ((ArrayNode) message(notification).path("segments")).addObject().put("id", "eu-segment").put("name", "EU Users");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);
        assertThat(customerSent()).doesNotContainKey("phone").containsKey("email");
        assertUnchangedIsSkipped(notification);

        resetStandIns();
        assertThat(postNotification(other).statusCode()).isEqualTo(200);
        assertThat(customerSent()).containsEntry("phone", "+49 30 1234");
    }

    @Test
    void addAConstantAttribute() throws Exception {
        replaceRoutes(recipe("Add a constant attribute"));
        ObjectNode notification = withAttributes();

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(customerSent()).containsEntry("source", "hull");
        assertUnchangedIsSkipped(notification);
    }

    @Test
    void renameAnAttribute() throws Exception {
        replaceRoutes(recipe("Rename an attribute"));
        ObjectNode notification = withAttributes("name");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(customerSent()).containsEntry("full_name", "Sven Maschek").doesNotContainKey("name");
        assertUnchangedIsSkipped(notification);
    }

    @Test
    void sendTheSubscriptionStateCustomerIoReportedBackToIt() throws Exception {
        replaceRoutes(recipe("Send the subscription state Customer.io reported back to it"));
        ObjectNode notification = withAttributes("traits_customerio/unsubscribed");
        ((ObjectNode) user(notification)).put("traits_customerio/unsubscribed", true);

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(customerSent()).containsEntry("unsubscribed", true).doesNotContainKey("customerio-unsubscribed");
        assertUnchangedIsSkipped(notification);
    }

    @Test
    void skipUsersByARule(CapturedOutput output) throws Exception {
        replaceRoutes(recipe("Skip users by a rule"));
        ObjectNode notification = withAttributes();
        ((ObjectNode) user(notification)).put("email", "qa@test.example.com");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(CUSTOMERIO.getAllServeEvents()).isEmpty();
        assertThat(firehoseEntries()).isEmpty();
        assertThat(output.getOut()).contains("\"outgoing.user.skip\"").contains("a test account");
    }

    @Test
    void dropAnEventProperty() throws Exception {
        replaceRoutes(recipe("Drop an event property"));
        ObjectNode notification = withAttributes();
        ((ObjectNode) message(notification).path("events").get(0).path("properties")).put("ip", "8.8.8.8");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        List<LoggedRequest> events = CUSTOMERIO.findAll(postRequestedFor(urlEqualTo(CUSTOMER + "/events")));
        assertThat(events).hasSize(1);
        JsonNode data = json(events.get(0).getBodyAsString()).path("data");
        assertThat(data.has("ip")).isFalse();
        assertThat(data.path("title").asText()).isEqualTo("Pricing | Hull");
    }

    /** Hull holds the traits written back now and sends them with the next notification: nothing is sent. */
    private void assertUnchangedIsSkipped(ObjectNode notification) {
        JsonNode traits = firehoseEntries().get(0).path("body");
        ObjectNode again = notification.deepCopy();
        ((ArrayNode) message(again).path("events")).removeAll();
        traits.fields().forEachRemaining(trait -> ((ObjectNode) user(again)).set("traits_" + trait.getKey(), trait.getValue()));
        syncedHashesForgotten();
        CUSTOMERIO.resetRequests();

        assertThat(postNotification(again).statusCode()).isEqualTo(200);

        assertThat(CUSTOMERIO.getAllServeEvents()).as("the customized customer, unchanged").isEmpty();
    }

    @Autowired
    SyncedHashes syncedHashes;

    /** So that Hull's traits, not this process's memory, say what Customer.io holds. */
    private void syncedHashesForgotten() {
        syncedHashes.forgetAll();
    }

    private Map<String, Object> customerSent() {
        Map<String, Object> customer = new LinkedHashMap<>();
        for (LoggedRequest put : CUSTOMERIO.findAll(putRequestedFor(urlEqualTo(CUSTOMER)))) {
            json(put.getBodyAsString()).fields().forEachRemaining(field -> customer.put(field.getKey(), JSON.convertValue(field.getValue(), Object.class)));
        }
        assertThat(customer).as("the customer Customer.io received").isNotEmpty();
        return customer;
    }

    private static ObjectNode withAttributes(String... attributes) {
        ObjectNode notification = fixtureNotification();
        ArrayNode synchronizedAttributes = ((ObjectNode) notification.path("connector").path("private_settings"))
                .putArray("synchronized_attributes");
        for (String attribute : attributes) {
            synchronizedAttributes.add(attribute);
        }
        return notification;
    }

    private static JsonNode message(ObjectNode notification) {
        return notification.path("messages").get(0);
    }

    private static JsonNode user(ObjectNode notification) {
        return message(notification).path("user");
    }

    /** The recipe's routes replace the routes of the same ids. */
    private void replaceRoutes(String yaml) throws Exception {
        for (Matcher id = Pattern.compile("(?m)^    id: (\\S+)$").matcher(yaml); id.find(); ) {
            camel.getRouteController().stopRoute(id.group(1));
            camel.removeRoute(id.group(1));
        }
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("recipe.yaml", yaml));
    }

    private static String recipe(String heading) {
        String yaml = RECIPES.get(heading);
        assertThat(yaml).as("a recipe under '### %s' in docs/customizing.md", heading).isNotNull();
        return yaml;
    }

    /** Every {@code ### heading} of docs/customizing.md followed by a yaml block, the block by its heading. */
    private static Map<String, String> recipes() {
        try {
            String doc = Files.readString(Path.of("docs/customizing.md"), StandardCharsets.UTF_8);
            Map<String, String> recipes = new LinkedHashMap<>();
            Matcher recipe = Pattern.compile("(?m)^### ([^\\n]+)\\n\\n```yaml\\n(.*?)```", Pattern.DOTALL).matcher(doc);
            while (recipe.find()) {
                recipes.put(recipe.group(1).trim(), recipe.group(2));
            }
            return recipes;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
