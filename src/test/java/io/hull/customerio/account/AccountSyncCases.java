package io.hull.customerio.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.hull.customerio.support.ConnectorTestSupport;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Hull accounts → Customer.io objects, and people's relationships to them, through the real routes over real HTTP:
 * given account:update and user:update notifications, what Customer.io and Hull's firehose receive. The same cases
 * run in both {@code customerio.api} modes ({@link AccountSyncV1Test}, {@link AccountSyncV2Test}); each mode reads
 * what Customer.io received its own way.
 */
@ExtendWith(OutputCaptureExtension.class)
abstract class AccountSyncCases extends ConnectorTestSupport {

    static final String ACCOUNT_SEGMENT = "5bd7201aa4ed3da2e7000111";
    static final String HULL_SECRET = "995ece09c8d843f6bc38e5abd1f60f6b";
    static final String API_KEY = "secretapikey114654";

    /** The object operations Customer.io received, in order, as v2 items ({@code type: object}). */
    abstract List<JsonNode> objectOperations();

    /**
     * The relationship changes Customer.io received for person {@code customerId}, in order: {@code add <object id>}
     * or {@code delete <object id>}.
     */
    abstract List<String> relationshipCalls(String customerId);

    /** How many identify calls (PUTs, or identify items) Customer.io received for person {@code customerId}. */
    abstract int identifyCalls(String customerId);

    /** An account:update notification of one account, with the fixture's connector and account settings. */
    static ObjectNode accountNotification(ObjectNode account, String... segmentIds) {
        ObjectNode notification = fixtureNotification();
        notification.put("channel", "account:update");
        withAccountSettings(notification);
        ArrayNode messages = notification.putArray("messages");
        ObjectNode message = messages.addObject();
        message.set("account", account);
        ArrayNode segments = message.putArray("account_segments");
        for (String id : segmentIds) {
            segments.addObject().put("id", id).put("name", "Customers").put("type", "accounts_segment");
        }
        message.putObject("changes");
        return notification;
    }

    static void withAccountSettings(ObjectNode notification) {
        ObjectNode settings = (ObjectNode) notification.path("connector").path("private_settings");
        settings.putArray("synchronized_account_segments").add(ACCOUNT_SEGMENT);
        settings.putArray("synchronized_account_attributes").add("name").add("plan/tier").add("signed_up_at");
        settings.put("enable_account_deletion", true);
    }

    static ObjectNode acme() {
        ObjectNode account = JSON.createObjectNode();
        account.put("id", "5bd7201aa4ed3da2e7000222");
        account.put("external_id", "acme-1");
        account.put("domain", "acme.com");
        account.put("name", "Acme");
        account.put("plan/tier", "gold");
        account.put("signed_up_at", "2019-01-01T00:00:00Z");
        account.put("employees", 250);
        return account;
    }

    @Test
    void anAccountInAWhitelistedSegmentBecomesAnObjectAndItsSyncStateIsWrittenBack(CapturedOutput output) throws Exception {
        HttpResponse<String> answer = postNotification(accountNotification(acme(), ACCOUNT_SEGMENT));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(json(answer.body()).path("flow_control").path("type").asText()).isEqualTo("next");
        List<JsonNode> operations = objectOperations();
        assertThat(operations).hasSize(1);
        JsonNode identify = operations.get(0);
        assertThat(identify.path("type").asText()).isEqualTo("object");
        assertThat(identify.path("action").asText()).isEqualTo("identify");
        assertThat(identify.path("identifiers")).isEqualTo(json("{\"object_type_id\":\"1\",\"object_id\":\"acme-1\"}"));
        // whitelisted only, renamed, dates as unix seconds, the account's segments
        assertThat(identify.path("attributes")).isEqualTo(json(
                "{\"hull_segments\":[\"Customers\"],\"name\":\"Acme\",\"plan-tier\":\"gold\",\"signed_up_at\":1546300800}"));

        List<JsonNode> entries = firehoseEntries();
        assertThat(entries).hasSize(1);
        JsonNode entry = entries.get(0);
        assertThat(entry.path("type").asText()).isEqualTo("traits");
        JsonNode traits = entry.path("body");
        assertThat(traits.path("customerio/id").asText()).isEqualTo("acme-1");
        assertThat(traits.path("customerio/object_type_id").asText()).isEqualTo("1");
        assertThat(traits.path("customerio/hash").asText()).hasSize(64);
        assertThat(traits.path("customerio/synced_at").asText()).isNotBlank();
        assertThat(traits.has("customerio/deleted_at")).isTrue();
        assertThat(traits.path("customerio/deleted_at").isNull()).isTrue();
        SignedJWT token = SignedJWT.parse(entry.path("headers").path("Hull-Access-Token").asText());
        assertThat(token.verify(new MACVerifier(HULL_SECRET))).isTrue();
        assertThat(token.getJWTClaimsSet().getClaim("io.hull.subjectType")).isEqualTo("account");
        assertThat(token.getJWTClaimsSet().getClaim("io.hull.asUser")).isNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> asAccount = (Map<String, Object>) token.getJWTClaimsSet().getClaim("io.hull.asAccount");
        assertThat(asAccount).isEqualTo(Map.of("id", "5bd7201aa4ed3da2e7000222", "external_id", "acme-1", "domain", "acme.com"));

        assertThat(output.getOut()).contains("\"outgoing.account.success\"").contains("\"object_id\":\"acme-1\"");
        assertThat(output.getAll()).doesNotContain(API_KEY).doesNotContain(HULL_SECRET);
    }

    @Test
    void anUnchangedAccountIsSkippedByItsHashAndAChangedOneUpdated(CapturedOutput output) {
        postNotification(accountNotification(acme(), ACCOUNT_SEGMENT));
        JsonNode traits = firehoseEntries().get(0).path("body");

        // Hull shows the account's traits unprefixed and sends them back; a new process remembers nothing
        resetStandIns();
        ObjectNode synced = acme();
        traits.fields().forEachRemaining(trait -> synced.set(trait.getKey(), trait.getValue()));
        assertThat(postNotification(accountNotification(synced, ACCOUNT_SEGMENT)).statusCode()).isEqualTo(200);
        assertThat(objectOperations()).isEmpty();
        assertThat(firehoseEntries()).isEmpty();
        assertThat(output.getOut()).contains("\"outgoing.account.skip\"").contains("unchanged since the last sync");

        synced.put("name", "Acme Inc.");
        assertThat(postNotification(accountNotification(synced, ACCOUNT_SEGMENT)).statusCode()).isEqualTo(200);
        assertThat(objectOperations()).singleElement()
                .satisfies(op -> assertThat(op.path("attributes").path("name").asText()).isEqualTo("Acme Inc."));
        assertThat(firehoseEntries().get(0).path("body").path("customerio/hash").asText())
                .isNotEqualTo(traits.path("customerio/hash").asText());
        assertThat(output.getOut()).contains("\"operation\":\"update\"");
    }

    @Test
    void anAccountThatLeftEveryWhitelistedSegmentIsDeletedWhenItWasSent(CapturedOutput output) {
        ObjectNode sent = acme();
        sent.put("customerio/id", "acme-1");
        sent.put("customerio/object_type_id", "1");
        sent.put("customerio/hash", "abc");

        assertThat(postNotification(accountNotification(sent, "some-other-segment")).statusCode()).isEqualTo(200);

        JsonNode delete = objectOperations().get(0);
        assertThat(objectOperations()).hasSize(1);
        assertThat(delete.path("action").asText()).isEqualTo("delete");
        assertThat(delete.path("identifiers")).isEqualTo(json("{\"object_type_id\":\"1\",\"object_id\":\"acme-1\"}"));
        JsonNode traits = firehoseEntries().get(0).path("body");
        assertThat(traits.path("customerio/deleted_at").asText()).isNotBlank();
        for (String trait : List.of("customerio/id", "customerio/object_type_id", "customerio/hash", "customerio/synced_at")) {
            assertThat(traits.has(trait)).as(trait).isTrue();
            assertThat(traits.path(trait).isNull()).as(trait).isTrue();
        }
        assertThat(output.getOut()).contains("\"outgoing.account.deletion\"");

        // never sent: nothing to delete, skipped with the reason
        resetStandIns();
        assertThat(postNotification(accountNotification(acme(), "some-other-segment")).statusCode()).isEqualTo(200);
        assertThat(objectOperations()).isEmpty();
        assertThat(firehoseEntries()).isEmpty();
        assertThat(output.getOut()).contains("not in any synchronized account segment and never sent to Customer.io");
    }

    @Test
    void withDeletionOffAnAccountThatLeftIsOnlySkipped(CapturedOutput output) {
        ObjectNode sent = acme();
        sent.put("customerio/id", "acme-1");
        ObjectNode notification = accountNotification(sent, "some-other-segment");
        ((ObjectNode) notification.path("connector").path("private_settings")).put("enable_account_deletion", false);

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(objectOperations()).isEmpty();
        assertThat(firehoseEntries()).isEmpty();
        assertThat(output.getOut()).contains("\"outgoing.account.skip\"").contains("not in any synchronized account segment");
    }

    @Test
    void anAccountSentBeforeAsAnotherObjectIsANewObjectAndTheOldOneIsNamed(CapturedOutput output) {
        ObjectNode renamed = acme();
        renamed.put("customerio/id", "acme-0");
        renamed.put("customerio/object_type_id", "1");
        renamed.put("customerio/hash", "abc");

        assertThat(postNotification(accountNotification(renamed, ACCOUNT_SEGMENT)).statusCode()).isEqualTo(200);

        assertThat(objectOperations()).singleElement().satisfies(op ->
                assertThat(op.path("identifiers").path("object_id").asText()).isEqualTo("acme-1"));
        assertThat(firehoseEntries().get(0).path("body").path("customerio/id").asText()).isEqualTo("acme-1");
        assertThat(output.getOut()).contains("\"operation\":\"insert\"").contains("\"replaces_object\":\"1/acme-0\"");
    }

    @Test
    void anAccountWithoutTheMappedIdIsSkippedWithTheReason(CapturedOutput output) {
        ObjectNode account = acme();
        account.remove("external_id");

        assertThat(postNotification(accountNotification(account, ACCOUNT_SEGMENT)).statusCode()).isEqualTo(200);

        assertThat(objectOperations()).isEmpty();
        assertThat(firehoseEntries()).isEmpty();
        assertThat(output.getOut()).contains("\"outgoing.account.skip\"")
                .contains("no value for the account id attribute 'external_id'");
    }

    @Test
    void withoutAccountSegmentsNoAccountIsSentAndUsersCarryNoRelationship(CapturedOutput output) {
        ObjectNode notification = accountNotification(acme(), ACCOUNT_SEGMENT);
        ((ObjectNode) notification.path("connector").path("private_settings")).remove("synchronized_account_segments");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);
        assertThat(objectOperations()).isEmpty();
        assertThat(output.getOut()).contains("synchronized_account_segments is empty");

        ObjectNode users = userWithAccount(acme());
        ((ObjectNode) users.path("connector").path("private_settings")).remove("synchronized_account_segments");
        assertThat(postNotification(users).statusCode()).isEqualTo(200);
        assertThat(relationshipCalls("sven@hull.io")).isEmpty();
    }

    /** The fixture's user, in account {@code account}, which is in the whitelisted account segment. */
    static ObjectNode userWithAccount(ObjectNode account) {
        ObjectNode notification = fixtureNotification();
        withAccountSettings(notification);
        ObjectNode message = (ObjectNode) notification.path("messages").get(0);
        message.set("account", account);
        message.putArray("account_segments").addObject().put("id", ACCOUNT_SEGMENT).put("name", "Customers");
        message.putArray("events");
        return notification;
    }

    @Test
    void aSyncedUserCarriesTheRelationshipToItsAccount(CapturedOutput output) {
        assertThat(postNotification(userWithAccount(acme())).statusCode()).isEqualTo(200);

        assertThat(relationshipCalls("sven@hull.io")).containsExactly("add acme-1");
        String hash = firehoseEntries().get(0).path("body").path("customerio/hash").asText();

        // outside the whitelisted account segments: no relationship, and another hash
        resetStandIns();
        ObjectNode elsewhere = userWithAccount(acme());
        ((ObjectNode) elsewhere.path("messages").get(0)).putArray("account_segments");
        assertThat(postNotification(elsewhere).statusCode()).isEqualTo(200);
        assertThat(relationshipCalls("sven@hull.io")).isEmpty();
        assertThat(firehoseEntries().get(0).path("body").path("customerio/hash").asText()).isNotEqualTo(hash);

        // link_users_in_service off: none either
        resetStandIns();
        ObjectNode off = userWithAccount(acme());
        ((ObjectNode) off.path("connector").path("private_settings")).put("link_users_in_service", false);
        assertThat(postNotification(off).statusCode()).isEqualTo(200);
        assertThat(relationshipCalls("sven@hull.io")).isEmpty();
    }

    @Test
    void theRelationshipGoesWithTheFirstOfSeveralIdentifyCallsOnly() {
        ObjectNode notification = userWithAccount(acme());
        ArrayNode whitelist = ((ObjectNode) notification.path("connector").path("private_settings")).putArray("synchronized_attributes");
        ObjectNode user = (ObjectNode) notification.path("messages").get(0).path("user");
        for (int i = 0; i < 40; i++) {
            whitelist.add("traits_extra_" + i);
            user.put("traits_extra_" + i, i);
        }

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(identifyCalls("sven@hull.io")).isGreaterThan(1);
        assertThat(relationshipCalls("sven@hull.io")).containsExactly("add acme-1");
    }

    @Test
    void aUserWhoMovesAccountIsSentAgainAndItsOldRelationshipRemoved() {
        postNotification(userWithAccount(acme()));
        JsonNode traits = firehoseEntries().get(0).path("body");

        // Hull sends the user back with its sync state, now in another account; changes say from which
        resetStandIns();
        ObjectNode globex = acme();
        globex.put("id", "5bd7201aa4ed3da2e7000333").put("external_id", "globex-2").put("domain", "globex.com");
        ObjectNode moved = userWithAccount(globex);
        ObjectNode message = (ObjectNode) moved.path("messages").get(0);
        ObjectNode user = (ObjectNode) message.path("user");
        for (Iterator<Map.Entry<String, JsonNode>> it = traits.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> trait = it.next();
            user.set("traits_" + trait.getKey(), trait.getValue());
        }
        message.putObject("changes").putObject("account").putArray("external_id").add("acme-1").add("globex-2");

        assertThat(postNotification(moved).statusCode()).isEqualTo(200);

        assertThat(relationshipCalls("sven@hull.io")).containsExactly("delete acme-1", "add globex-2");
        assertThat(firehoseEntries().get(0).path("body").path("customerio/hash").asText())
                .isNotEqualTo(traits.path("customerio/hash").asText());
    }
}
