package io.hull.customerio.sync;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.springframework.stereotype.Component;

/**
 * Filter {@code in-whitelisted-segments} of route sync-user: the user is in one of the segments of
 * {@code synchronized_segments} (with Customer.io credentials to send it with). Otherwise it is skipped, with the reason;
 * a user that left every segment may still be deleted ({@link CustomerToDelete}).
 */
@Component("inWhitelistedSegments")
public class InWhitelistedSegments implements Predicate {

    @Override
    public boolean matches(Exchange exchange) {
        UserSync user = exchange.getProperty(UserSync.PROPERTY, UserSync.class);
        SyncSettings settings = user.settings();
        if (user.inSuppressedSegment()) {
            // suppressed (or to be): in-suppressed-segments said what becomes of it
            return false;
        }
        if (user.context().customerIo() == null) {
            user.skip("no Customer.io credentials: set site_id and api_key");
            return false;
        }
        if (settings.synchronizedSegments().isEmpty()) {
            user.skip("no segment is whitelisted (synchronized_segments is empty)");
            return false;
        }
        if (Segments.firstIn(user.message().path("segments"), settings.synchronizedSegments()) != null) {
            return true;
        }
        user.outsideSegments("not in any synchronized segment");
        return false;
    }
}
