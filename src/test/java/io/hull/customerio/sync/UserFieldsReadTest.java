package io.hull.customerio.sync;

import static io.hull.customerio.sync.UserSync.Action.DELETE;
import static io.hull.customerio.sync.UserSync.Action.INSERT;
import static io.hull.customerio.sync.UserSync.Action.INVALID;
import static io.hull.customerio.sync.UserSync.Action.SKIP;
import static io.hull.customerio.sync.UserSync.Action.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.customerio.CustomerHash;
import io.hull.customerio.customerio.CustomerMapper;
import io.hull.customerio.customerio.CustomerValidator;
import io.hull.customerio.hull.HullNotification;
import io.hull.customerio.hull.NotificationParser;
import io.hull.customerio.support.TestNotifications;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The parser leaves out of a user every field {@link UserFieldsRead} does not name. If a stage of route sync-user read
 * a field that is not named there, the stages would decide otherwise for the trimmed notification than for the whole
 * one: this compares the two under settings that exercise every stage that reads the user.
 */
class UserFieldsReadTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConnectorProperties connector = new ConnectorProperties();
    private final NotificationParser trimming = new NotificationParser(JSON, connector, new UserFieldsRead(connector));
    private final NotificationParser keepingAll = new NotificationParser(JSON, connector, settings -> field -> true);
    private final SyncContexts contexts = new SyncContexts(connector, new CustomerIoProperties(), new MessageDeduplicator());
    private final CustomerMapper mapper = new CustomerMapper(JSON);
    private final SyncedHashes syncedHashes = new SyncedHashes(new CustomerIoProperties());
    private final InWhitelistedSegments inWhitelistedSegments = new InWhitelistedSegments();
    private final IdentifiedUser identifiedUser = new IdentifiedUser(mapper);
    private final ValidCustomer validCustomer = new ValidCustomer(new Customizations(JSON), new CustomerValidator(JSON));
    private final ChangedSinceLastSync changedSinceLastSync = new ChangedSinceLastSync(new CustomerHash(), syncedHashes);
    private final CustomerToDelete customerToDelete = new CustomerToDelete(mapper);

    static Stream<Arguments> settings() {
        return Stream.of(
                Arguments.of("the fixture's settings", INSERT, (Consumer<ObjectNode>) n -> { }),
                Arguments.of("synchronized attributes of the user and the account, id from external_id", INSERT,
                        (Consumer<ObjectNode>) n -> {
                            ObjectNode settings = settings(n);
                            settings.putArray("synchronized_attributes").add("traits_intercom/name").add("first_name")
                                    .add("signup_session_started_at").add("account.domain").add("traits_coconut")
                                    .add("not_on_any_user");
                            settings.put("user_id_mapping", "external_id");
                            ((ObjectNode) message(n).path("account")).put("domain", "example.com");
                        }),
                Arguments.of("a user already in Customer.io, changed since", UPDATE, (Consumer<ObjectNode>) n -> {
                    user(n).put("traits_customerio/created_at", "2018-03-01T00:00:00Z");
                    user(n).put("traits_customerio/hash", "not the hash");
                    ((ArrayNode) message(n).path("events")).removeAll();
                }),
                Arguments.of("a user who left every segment, deletion enabled", DELETE, (Consumer<ObjectNode>) n -> {
                    settings(n).put("enable_user_deletion", true);
                    settings(n).putArray("synchronized_segments").add("a segment the user is not in");
                    user(n).put("traits_customerio/created_at", "2018-03-01T00:00:00Z");
                    user(n).put("traits_customerio/id", "the id Customer.io has");
                }),
                Arguments.of("a user without the id attribute, anonymous events", SKIP, (Consumer<ObjectNode>) n -> {
                    settings(n).put("user_id_mapping", "traits_intercom/pseudonym");
                    settings(n).put("anonymous_events", true);
                    user(n).remove("traits_intercom/pseudonym");
                }),
                Arguments.of("a user with an anonymous_id and without the id attribute, anonymous events", SKIP,
                        (Consumer<ObjectNode>) n -> {
                            settings(n).put("user_id_mapping", "traits_intercom/pseudonym");
                            settings(n).put("anonymous_events", true);
                            user(n).remove("traits_intercom/pseudonym");
                            user(n).put("anonymous_id", "anonymous-of-the-user");
                        }),
                Arguments.of("an invalid customer (a value too long)", INVALID, (Consumer<ObjectNode>) n -> {
                    settings(n).putArray("synchronized_attributes").add("latest_session_initial_url");
                    settings(n).put("max_attribute_value_length", 10);
                }),
                Arguments.of("two messages of one user, the later one second", INSERT, (Consumer<ObjectNode>) n -> {
                    ObjectNode later = message(n).deepCopy();
                    ((ObjectNode) later.path("user")).put("indexed_at", "2019-01-01T00:00:00+00:00");
                    ((ObjectNode) later.path("user")).put("first_name", "Later");
                    settings(n).putArray("synchronized_attributes").add("first_name");
                    ((ArrayNode) n.path("messages")).add(later);
                }),
                Arguments.of("attributes and id attribute from the connector's defaults", INSERT, (Consumer<ObjectNode>) n ->
                        settings(n).remove(List.of("synchronized_attributes", "user_id_mapping"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settings")
    void theStagesDecideTheSameForTheTrimmedUsersAsForTheWholeUsers(String name, UserSync.Action action,
                                                                     Consumer<ObjectNode> change) throws Exception {
        connector.getSettings().setSynchronizedSegments(List.of("596796d24eaa537e6900e1ee"));
        connector.getSettings().setSynchronizedAttributes(List.of("last_name", "traits_intercom/location_city_name"));
        ObjectNode notification = TestNotifications.fixture();
        change.accept(notification);
        byte[] body = JSON.writeValueAsBytes(notification);

        HullNotification trimmed = trimming.parse(body);
        HullNotification whole = keepingAll.parse(body);

        assertThat(trimmed.messages().get(0).path("user").size())
                .as("the trimming left fields out").isLessThan(whole.messages().get(0).path("user").size());
        List<String> decisions = decide(whole);
        assertThat(decisions.get(0)).as("the case is what it says").startsWith(action + " ");
        assertThat(decide(trimmed)).isEqualTo(decisions);
    }

    /**
     * What the stages of route sync-user decide for each user, in the route's order (customize-customer passes it
     * through): the action, the reason, the customer id, its hash, and the customer as it would be sent.
     */
    private List<String> decide(HullNotification notification) {
        NotificationContext context = contexts.of(notification);
        return contexts.users(notification).stream().map(message -> {
            Exchange exchange = new DefaultExchange(new DefaultCamelContext());
            UserSync user = new UserSync(context, message);
            exchange.setProperty(UserSync.PROPERTY, user);
            if (inWhitelistedSegments.matches(exchange) && identifiedUser.matches(exchange)) {
                exchange.getMessage().setBody(mapper.customer(user));
                if (validCustomer.matches(exchange)) {
                    changedSinceLastSync.matches(exchange);
                }
            } else {
                customerToDelete.matches(exchange);
            }
            return user.action() + " " + user.reason() + " " + user.customerId() + " " + user.hash() + " "
                    + exchange.getMessage().getBody();
        }).toList();
    }

    private static ObjectNode settings(ObjectNode notification) {
        return (ObjectNode) notification.path("connector").path("private_settings");
    }

    private static ObjectNode message(ObjectNode notification) {
        return (ObjectNode) notification.path("messages").get(0);
    }

    private static ObjectNode user(ObjectNode notification) {
        return (ObjectNode) message(notification).path("user");
    }
}
