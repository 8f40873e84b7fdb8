package io.hull.customerio.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.hull.customerio.support.BasicAuth;
import io.hull.customerio.support.ConnectorTestSupport;
import io.hull.customerio.support.JsonErrors;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.hull.customerio.support.TestNotifications;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Hull → Customer.io user sync through the real routes: given a notification, what Customer.io and Hull receive. */
@ExtendWith(OutputCaptureExtension.class)
class UserSyncRouteTest extends ConnectorTestSupport {

    @org.springframework.beans.factory.annotation.Autowired
    io.hull.customerio.config.ConnectorProperties connector;

    private static final String HULL_USERS_SEGMENT = "596796d24eaa537e6900e1ee";
    private static final String HULL_SECRET = "995ece09c8d843f6bc38e5abd1f60f6b";
    private static final String API_KEY = "secretapikey114654";

    @Test
    void fixtureUserIsIdentifiedAndItsSyncStateWrittenBack(CapturedOutput output) throws Exception {
        HttpResponse<String> response = postNotification(fixtureNotification());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answer = json(response.body());
        assertThat(answer.path("flow_control").path("type").asText()).isEqualTo("next");
        assertThat(answer.path("flow_control").path("size").asInt()).isPositive();
        assertThat(answer.path("flow_control").has("in")).isTrue();
        assertThat(response.headers().firstValue("X-Hull-Smart-Notifier-Signature")).isEmpty();

        List<LoggedRequest> puts = CUSTOMERIO.findAll(putRequestedFor(urlMatching("/api/v1/customers/.*")));
        assertThat(puts).hasSize(1);
        LoggedRequest put = puts.get(0);
        assertThat(put.getUrl()).isEqualTo("/api/v1/customers/sven%40hull.io");
        assertThat(put.getHeader("Authorization")).isEqualTo(BasicAuth.of("iy89ty4qhfac34986", API_KEY));
        assertThat(put.getHeader("X-Hull-Smart-Notifier-Signature")).isNull();
        JsonNode customer = json(put.getBodyAsString());
        assertThat(customer.path("email").asText()).isEqualTo("sven@hull.io");
        assertThat(customer.path("created_at").asLong()).isEqualTo(1520954477L);
        assertThat(customer.path("hull_segments")).extracting(JsonNode::asText)
                .contains("Hull Users", "Kraken stress segment", "New Segment 1");

        List<JsonNode> entries = firehoseEntries();
        assertThat(entries).hasSize(1);
        JsonNode entry = entries.get(0);
        assertThat(entry.path("type").asText()).isEqualTo("traits");
        JsonNode traits = entry.path("body");
        assertThat(traits.path("customerio/id").asText()).isEqualTo("sven@hull.io");
        assertThat(traits.path("customerio/hash").asText()).hasSize(64);
        // as Hull's connector wrote it: the created_at sent to Customer.io, in unix seconds
        assertThat(traits.path("customerio/created_at").isIntegralNumber()).isTrue();
        assertThat(traits.path("customerio/created_at").asLong()).isEqualTo(customer.path("created_at").asLong());
        assertThat(traits.path("customerio/synced_at").asText()).isNotBlank();
        assertThat(traits.has("customerio/deleted_at")).isTrue();
        assertThat(traits.path("customerio/deleted_at").isNull()).isTrue();
        assertThat(entry.path("timestamp").asText()).isNotBlank();

        LoggedRequest firehose = HULL.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo("/"))).get(0);
        assertThat(firehose.getHeader("Hull-App-Id")).isEqualTo("b13d14e9cef7a82345e550b7c5bf");
        assertThat(firehose.getHeader("Hull-Organization")).isEqualTo("unittesting.hullapp.io");
        assertThat(firehose.getHeader("Hull-Access-Token")).isEqualTo(HULL_SECRET);
        JsonNode batch = json(firehose.getBodyAsString());
        assertThat(batch.path("timestamp").asText()).isNotBlank();
        assertThat(batch.path("sentAt").asText()).isNotBlank();

        SignedJWT token = SignedJWT.parse(entry.path("headers").path("Hull-Access-Token").asText());
        assertThat(token.verify(new MACVerifier(HULL_SECRET))).isTrue();
        assertThat(token.getJWTClaimsSet().getIssuer()).isEqualTo("b13d14e9cef7a82345e550b7c5bf");
        assertThat(token.getJWTClaimsSet().getIssueTime()).isNotNull();
        assertThat(token.getJWTClaimsSet().getClaim("io.hull.subjectType")).isEqualTo("user");
        @SuppressWarnings("unchecked")
        Map<String, Object> asUser = (Map<String, Object>) token.getJWTClaimsSet().getClaim("io.hull.asUser");
        assertThat(asUser).containsEntry("id", "5aa7ec6db5856ffa1b0a8fa0").containsEntry("email", "sven@hull.io")
                .containsEntry("external_id", "5908db9857b9265d4500059f");
        assertThat(asUser.keySet()).isSubsetOf("id", "email", "external_id", "anonymous_id");

        assertThat(output.getOut()).contains("\"outgoing.user.success\"").contains("5aa7ec6db5856ffa1b0a8fa0");
        assertThat(output.getAll()).doesNotContain(API_KEY).doesNotContain(HULL_SECRET);
    }

    @Test
    void synchronizedAttributesAreRenamedAndDatesBecomeUnixSeconds() {
        ObjectNode notification = fixtureNotification();
        ArrayNode attributes = settings(notification).putArray("synchronized_attributes");
        attributes.add("traits_intercom/name").add("traits_intercom/last_request_at").add("id")
                .add("traits_coconut").add("account.name").add("traits_missing");
        ((ObjectNode) message(notification).path("account")).put("name", "Hull Inc");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        JsonNode customer = onlyPutBody();
        assertThat(customer.path("intercom-name").asText()).isEqualTo("Sven Maschek");
        assertThat(customer.path("intercom-last_request_at").asLong()).isEqualTo(1496676148L);
        assertThat(customer.path("hull_id").asText()).isEqualTo("5aa7ec6db5856ffa1b0a8fa0");
        assertThat(customer.path("coconut").asText()).isEqualTo("23");
        assertThat(customer.path("account_name").asText()).isEqualTo("Hull Inc");
        assertThat(customer.has("missing")).isFalse();
    }

    @Test
    void aCustomerOf45AttributesIsSplitIntoPutsOfAtMost30() {
        ObjectNode notification = fixtureNotification();
        ObjectNode user = (ObjectNode) message(notification).path("user");
        ArrayNode synchronized_ = settings(notification).putArray("synchronized_attributes");
        for (int i = 0; i < 42; i++) {
            user.put("traits_custom/attr_" + i, "value " + i);
            synchronized_.add("traits_custom/attr_" + i);
        }

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        List<LoggedRequest> puts = CUSTOMERIO.findAll(putRequestedFor(urlEqualTo("/api/v1/customers/sven%40hull.io")));
        assertThat(puts).hasSize(2);
        Set<String> sent = new HashSet<>();
        for (LoggedRequest put : puts) {
            JsonNode body = json(put.getBodyAsString());
            assertThat(body.size()).isLessThanOrEqualTo(30);
            body.fieldNames().forEachRemaining(sent::add);
        }
        assertThat(sent).hasSize(45).contains("email", "created_at", "hull_segments", "custom-attr_0", "custom-attr_41");
    }

    @Test
    void idsArePercentEncodedInThePath() {
        for (String[] idAndPath : new String[][] {
                {"a+b@x.io", "/api/v1/customers/a%2Bb%40x.io"},
                {"team/ops id", "/api/v1/customers/team%2Fops%20id"}}) {
            CUSTOMERIO.resetRequests();
            ObjectNode notification = fixtureNotification();
            ((ObjectNode) message(notification).path("user")).put("email", idAndPath[0]);

            assertThat(postNotification(notification).statusCode()).isEqualTo(200);

            assertThat(CUSTOMERIO.findAll(putRequestedFor(anyUrl()))).extracting(LoggedRequest::getUrl)
                    .containsExactly(idAndPath[1]);
        }
    }

    @Test
    void anUnchangedUserIsNotSentAgain() {
        ObjectNode notification = fixtureNotification();
        ((ArrayNode) message(notification).path("events")).removeAll();
        assertThat(postNotification(notification).statusCode()).isEqualTo(200);
        JsonNode traits = firehoseEntries().get(0).path("body");
        assertThat(CUSTOMERIO.findAll(putRequestedFor(anyUrl()))).hasSize(1);

        // Hull stores the traits and sends them back with the next notification.
        CUSTOMERIO.resetRequests();
        HULL.resetRequests();
        ObjectNode again = fixtureNotification();
        ((ArrayNode) message(again).path("events")).removeAll();
        ObjectNode user = (ObjectNode) message(again).path("user");
        traits.fields().forEachRemaining(trait -> user.set("traits_" + trait.getKey(), trait.getValue()));

        assertThat(postNotification(again).statusCode()).isEqualTo(200);
        assertThat(CUSTOMERIO.getAllServeEvents()).isEmpty();
        assertThat(firehoseEntries()).isEmpty();

        // A changed attribute is an update, and writes back the created_at it sent.
        user.put("email", "sven@hull.io");
        user.put("created_at", "2019-01-01T00:00:00Z");
        assertThat(postNotification(again).statusCode()).isEqualTo(200);
        assertThat(CUSTOMERIO.findAll(putRequestedFor(anyUrl()))).hasSize(1);
        assertThat(firehoseEntries().get(0).path("body").path("customerio/created_at").asLong()).isEqualTo(1546300800L);

        // A customer without a created_at: none is invented in the PUT, none written back; the hash still skips it
        resetStandIns();
        user.remove("created_at");
        assertThat(postNotification(again).statusCode()).isEqualTo(200);
        assertThat(json(CUSTOMERIO.findAll(putRequestedFor(anyUrl())).get(0).getBodyAsString()).has("created_at")).isFalse();
        JsonNode withoutCreatedAt = firehoseEntries().get(0).path("body");
        assertThat(withoutCreatedAt.has("customerio/created_at")).isFalse();
        resetStandIns();
        user.remove("traits_customerio/created_at");
        withoutCreatedAt.fields().forEachRemaining(trait -> user.set("traits_" + trait.getKey(), trait.getValue()));
        assertThat(postNotification(again).statusCode()).isEqualTo(200);
        assertThat(CUSTOMERIO.getAllServeEvents()).isEmpty();
    }

    @Test
    void usersOutsideTheWhitelistedSegmentsAreSkipped(CapturedOutput output) {
        ObjectNode notification = fixtureNotification();
        settings(notification).putArray("synchronized_segments").add("some-other-segment");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(CUSTOMERIO.getAllServeEvents()).isEmpty();
        assertThat(firehoseEntries()).isEmpty();
        assertThat(output.getOut()).contains("outgoing.user.skip").contains("not in any synchronized segment");
    }

    @Test
    void anEmptyWhitelistSendsNothingEvenWithDeletionEnabled() {
        ObjectNode notification = fixtureNotification();
        settings(notification).putArray("synchronized_segments");
        settings(notification).put("enable_user_deletion", true);
        ((ObjectNode) message(notification).path("user")).put("traits_customerio/created_at", "2018-01-01T00:00:00Z");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(CUSTOMERIO.getAllServeEvents()).isEmpty();
    }

    @Test
    void aUserWhoLeftEverySegmentIsDeletedWhenDeletionIsEnabled(CapturedOutput output) {
        ObjectNode notification = fixtureNotification();
        settings(notification).put("enable_user_deletion", true);
        settings(notification).putArray("synchronized_segments").add("some-other-segment");
        ObjectNode user = (ObjectNode) message(notification).path("user");
        user.put("traits_customerio/created_at", "2018-01-01T00:00:00Z");
        user.put("traits_customerio/id", "old/id@hull.io");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(CUSTOMERIO.findAll(deleteRequestedFor(anyUrl()))).extracting(LoggedRequest::getUrl)
                .containsExactly("/api/v1/customers/old%2Fid%40hull.io");
        assertThat(CUSTOMERIO.findAll(putRequestedFor(anyUrl()))).isEmpty();
        JsonNode traits = firehoseEntries().get(0).path("body");
        assertThat(traits.path("customerio/deleted_at").asText()).isNotBlank();
        for (String name : List.of("customerio/id", "customerio/created_at", "customerio/hash", "customerio/synced_at")) {
            assertThat(traits.has(name)).isTrue();
            assertThat(traits.path(name).isNull()).as(name).isTrue();
        }
        assertThat(output.getOut()).contains("outgoing.user.deletion");
    }

    @Test
    void usersNeverSentOrAlreadyDeletedAreNotDeletedAgain() {
        ObjectNode neverSent = fixtureNotification();
        settings(neverSent).put("enable_user_deletion", true);
        settings(neverSent).putArray("synchronized_segments").add("some-other-segment");
        assertThat(postNotification(neverSent).statusCode()).isEqualTo(200);

        ObjectNode alreadyDeleted = neverSent.deepCopy();
        ObjectNode user = (ObjectNode) message(alreadyDeleted).path("user");
        user.put("traits_customerio/created_at", "2018-01-01T00:00:00Z");
        user.put("traits_customerio/deleted_at", "2018-02-01T00:00:00Z");
        assertThat(postNotification(alreadyDeleted).statusCode()).isEqualTo(200);

        assertThat(CUSTOMERIO.getAllServeEvents()).isEmpty();
    }

    @Test
    void aUserWithoutAnEmailIsSkippedByDefaultAsHullsConnectorDid(CapturedOutput output) {
        ObjectNode notification = fixtureNotification();
        settings(notification).put("user_id_mapping", "external_id");
        settings(notification).remove("skip_users_without_email");
        ((ObjectNode) message(notification).path("user")).remove("email");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(CUSTOMERIO.getAllServeEvents()).isEmpty();
        assertThat(firehoseEntries()).isEmpty();
        assertThat(output.getOut()).contains("\"outgoing.user.skip\"")
                .contains("no email (skip_users_without_email is on)").contains("5aa7ec6db5856ffa1b0a8fa0");
    }

    @Test
    void aUserWithoutAnEmailIsSentWhenSkipUsersWithoutEmailIsOff() {
        ObjectNode notification = fixtureNotification();
        settings(notification).put("user_id_mapping", "external_id");
        settings(notification).put("skip_users_without_email", false);
        ((ObjectNode) message(notification).path("user")).putNull("email");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(CUSTOMERIO.findAll(putRequestedFor(anyUrl()))).extracting(LoggedRequest::getUrl)
                .containsExactly("/api/v1/customers/5908db9857b9265d4500059f");
        assertThat(onlyPutBody().has("email")).isFalse();
    }

    @Test
    void aUserWithoutAnEmailWhoLeftEverySegmentIsStillDeleted() {
        ObjectNode notification = fixtureNotification();
        settings(notification).put("enable_user_deletion", true);
        settings(notification).putArray("synchronized_segments").add("some-other-segment");
        ObjectNode user = (ObjectNode) message(notification).path("user");
        user.remove("email");
        user.put("traits_customerio/id", "5908db9857b9265d4500059f");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(CUSTOMERIO.findAll(deleteRequestedFor(anyUrl()))).extracting(LoggedRequest::getUrl)
                .containsExactly("/api/v1/customers/5908db9857b9265d4500059f");
    }

    @Test
    void aUserWithoutTheIdAttributeIsSkipped(CapturedOutput output) {
        ObjectNode notification = fixtureNotification();
        settings(notification).put("user_id_mapping", "external_id");
        ((ObjectNode) message(notification).path("user")).remove("external_id");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(CUSTOMERIO.getAllServeEvents()).isEmpty();
        assertThat(output.getOut()).contains("no value for the id attribute 'external_id'");
    }

    @Test
    void theIdAttributeDefaultsToExternalId() {
        ObjectNode notification = fixtureNotification();
        settings(notification).remove("user_id_mapping");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(CUSTOMERIO.findAll(putRequestedFor(anyUrl()))).extracting(LoggedRequest::getUrl)
                .containsExactly("/api/v1/customers/5908db9857b9265d4500059f");
    }

    @Test
    void withoutCustomerIoCredentialsNothingIsSent(CapturedOutput output) {
        ObjectNode notification = fixtureNotification();
        settings(notification).remove("site_id");
        settings(notification).remove("api_key");

        HttpResponse<String> response = postNotification(notification);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(CUSTOMERIO.getAllServeEvents()).isEmpty();
        assertThat(output.getOut()).contains("outgoing.user.skip").contains("no Customer.io credentials");
    }

    @Test
    void messagesOfTheSameUserAreDeduplicatedKeepingTheLatest() {
        ObjectNode notification = fixtureNotification();
        ArrayNode messages = (ArrayNode) notification.path("messages");
        ObjectNode older = messages.get(0).deepCopy();
        ((ObjectNode) older.path("user")).put("indexed_at", "2018-03-30T14:00:00+00:00").put("first_name", "Old");
        ObjectNode newer = messages.get(0).deepCopy();
        ((ObjectNode) newer.path("user")).put("indexed_at", "2018-03-30T15:00:00+00:00").put("first_name", "New");
        messages.removeAll();
        messages.add(newer).add(older);
        settings(notification).putArray("synchronized_attributes").add("first_name");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(onlyPutBody().path("first_name").asText()).isEqualTo("New");
        assertThat(firehoseEntries()).hasSize(1);
    }

    @Test
    void aDateOnlyIndexedAtIsReadAndOnEqualTimesTheLastMessageIsKept() {
        for (String[] dates : new String[][] {{"2018-01-01T10:00:00Z", "2018-01-02"}, {"2018-01-01", "2018-01-01T00:00:00Z"}}) {
            resetStandIns();
            ObjectNode notification = fixtureNotification();
            ArrayNode messages = (ArrayNode) notification.path("messages");
            ObjectNode first = messages.get(0).deepCopy();
            ((ObjectNode) first.path("user")).put("indexed_at", dates[1]).put("first_name", "First");
            ObjectNode last = messages.get(0).deepCopy();
            ((ObjectNode) last.path("user")).put("indexed_at", dates[0]).put("first_name", "Last");
            messages.removeAll();
            // the first message is the newer one (a date alone, the next day), or both name the same moment
            messages.add(first).add(last);
            settings(notification).putArray("synchronized_attributes").add("first_name");

            assertThat(postNotification(notification).statusCode()).isEqualTo(200);

            String expected = dates[1].equals("2018-01-02") ? "First" : "Last";
            assertThat(onlyPutBody().path("first_name").asText()).as("indexed_at %s then %s", dates[1], dates[0])
                    .isEqualTo(expected);
        }
    }

    @Test
    void anInvalidCustomerIsNotSentAndLoggedWithEveryReason(CapturedOutput output) {
        ObjectNode notification = fixtureNotification();
        ObjectNode user = (ObjectNode) message(notification).path("user");
        user.put("traits_long", "x".repeat(1001));
        user.put("traits_" + "n".repeat(151), "short");
        settings(notification).putArray("synchronized_attributes").add("traits_long").add("traits_" + "n".repeat(151));

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(CUSTOMERIO.getAllServeEvents()).isEmpty();
        assertThat(output.getOut()).contains("outgoing.user.error")
                .contains("max_attribute_value_length").contains("max_attribute_name_length");
    }

    @Test
    void aCustomerIoRefusalIsFinalLoggedAndNotRetried(CapturedOutput output) {
        CUSTOMERIO.stubFor(put(urlMatching("/api/v1/customers/.*"))
                .willReturn(aResponse().withStatus(400).withBody("{\"meta\":{\"error\":\"attribute too long\"}}")));

        HttpResponse<String> response = postNotification(fixtureNotification());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).path("flow_control").path("type").asText()).isEqualTo("next");
        assertThat(firehoseEntries()).isEmpty();
        assertThat(output.getOut()).contains("outgoing.user.error").contains("answered 400").contains("attribute too long");
    }

    @Test
    void anApiKeyEchoedByCustomerIoNeverReachesTheLogs(CapturedOutput output) {
        CUSTOMERIO.stubFor(put(urlMatching("/api/v1/customers/.*"))
                .willReturn(aResponse().withStatus(401).withBody("{\"meta\":{\"error\":\"bad key " + API_KEY + "\"}}")));

        assertThat(postNotification(fixtureNotification()).statusCode()).isEqualTo(200);

        assertThat(output.getOut()).contains("outgoing.user.error").contains("bad key ***");
        assertThat(output.getAll()).doesNotContain(API_KEY);
    }

    @Test
    void aCustomerIoOutageAsksHullToRetry() {
        CUSTOMERIO.stubFor(put(urlMatching("/api/v1/customers/.*")).willReturn(aResponse().withStatus(503)));

        HttpResponse<String> response = postNotification(fixtureNotification());

        assertThat(response.statusCode()).isEqualTo(503);
        JsonNode answer = json(response.body());
        assertThat(answer.path("flow_control").path("type").asText()).isEqualTo("retry");
        assertThat(answer.path("flow_control").path("in").asLong()).isPositive();
        assertThat(JsonErrors.code(response.body())).isEqualTo("customerio_unavailable");
        assertThat(answer.path("errors").get(0).path("reason").asText()).contains("503");
        assertThat(firehoseEntries()).isEmpty();
    }

    @Test
    void customerIoRateLimitingAsksHullToRetry() {
        CUSTOMERIO.stubFor(put(urlMatching("/api/v1/customers/.*")).willReturn(aResponse().withStatus(429)));

        assertThat(postNotification(fixtureNotification()).statusCode()).isEqualTo(503);
    }

    @Test
    void hullUnreachableForTheWriteBackAsksHullToRetry() {
        HULL.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(502)));

        HttpResponse<String> response = postNotification(fixtureNotification());

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json(response.body()).path("flow_control").path("type").asText()).isEqualTo("retry");
    }

    @Test
    void hullRefusingTheWriteBackIsLoggedForItsUsersAndNotRetried(CapturedOutput output) {
        HULL.stubFor(post(urlEqualTo("/")).atPriority(1).willReturn(aResponse().withStatus(400)));

        ObjectNode notification = TestNotifications.forSite("write-back-refused", 3);

        HttpResponse<String> response = postNotification(notification.deepCopy());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).path("flow_control").path("type").asText()).isEqualTo("next");
        assertThat(output.getOut()).contains("outgoing.user.error")
                .contains("sent to Customer.io, but the sync state could not be written to Hull: Hull firehose answered 400");
        // Hull does not have their sync state: the same users are sent again, not skipped as unchanged
        CUSTOMERIO.resetRequests();
        assertThat(postNotification(notification.deepCopy()).statusCode()).isEqualTo(200);
        assertThat(CUSTOMERIO.findAll(putRequestedFor(urlMatching("/api/v1/customers/.*")))).hasSize(3);
    }

    @Test
    void aNotificationOf21MegabytesIsAccepted() {
        ObjectNode notification = fixtureNotification();
        ((ObjectNode) notification.path("connector")).put("description", "x".repeat(21 * 1024 * 1024));

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);
        assertThat(CUSTOMERIO.findAll(putRequestedFor(anyUrl()))).hasSize(1);
    }

    @Test
    void otherChannelsAreAcknowledgedAndIgnored() {
        ObjectNode notification = fixtureNotification();
        notification.put("channel", "account:update");

        HttpResponse<String> response = postNotification(notification);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).path("flow_control").path("type").asText()).isEqualTo("next");
        assertThat(CUSTOMERIO.getAllServeEvents()).isEmpty();
    }

    @Test
    void settingsMissingFromTheNotificationFallBackToConnectorSettings() {
        connector.getSettings().setMaxIdentifierValueLength(20);
        try {
            ObjectNode notification = fixtureNotification();
            settings(notification).remove("max_identifier_value_length");
            ((ObjectNode) message(notification).path("user")).put("email", "x".repeat(20) + "@hull.io");
            assertThat(postNotification(notification).statusCode()).isEqualTo(200);
            assertThat(CUSTOMERIO.getAllServeEvents()).isEmpty();

            // the notification's own setting wins over the fallback
            settings(notification).put("max_identifier_value_length", 150);
            assertThat(postNotification(notification).statusCode()).isEqualTo(200);
            assertThat(CUSTOMERIO.findAll(putRequestedFor(anyUrl()))).hasSize(1);
        } finally {
            connector.getSettings().setMaxIdentifierValueLength(150);
        }
    }

    @Test
    void theEventsOfDeduplicatedMessagesAreMergedOncePerEventId() {
        ObjectNode notification = fixtureNotification();
        settings(notification).putArray("events_filter").add("page").add("Signed Up");
        ArrayNode messages = (ArrayNode) notification.path("messages");
        ObjectNode older = messages.get(0).deepCopy();
        ((ObjectNode) older.path("user")).put("indexed_at", "2018-03-30T14:00:00+00:00");
        ((ArrayNode) older.path("events")).addObject().put("event", "Signed Up").put("event_id", "signed-up-1")
                .put("created_at", "2018-03-30 14:00:00 UTC");
        ObjectNode newer = messages.get(0).deepCopy();
        ((ObjectNode) newer.path("user")).put("indexed_at", "2018-03-30T15:00:00+00:00");
        messages.removeAll();
        messages.add(older).add(newer);

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        List<LoggedRequest> events = CUSTOMERIO.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                urlEqualTo("/api/v1/customers/sven%40hull.io/events")));
        assertThat(events).extracting(e -> json(e.getBodyAsString()).path("name").asText())
                .containsExactlyInAnyOrder("http://beta.hull.io/pricing/", "Signed Up");
        assertThat(CUSTOMERIO.findAll(putRequestedFor(anyUrl()))).hasSize(1);
    }

    private JsonNode onlyPutBody() {
        List<LoggedRequest> puts = CUSTOMERIO.findAll(putRequestedFor(urlMatching("/api/v1/customers/.*")));
        assertThat(puts).hasSize(1);
        return json(puts.get(0).getBodyAsString());
    }

    static ObjectNode settings(ObjectNode notification) {
        return (ObjectNode) notification.path("connector").path("private_settings");
    }

    static ObjectNode message(ObjectNode notification) {
        return (ObjectNode) notification.path("messages").get(0);
    }
}
