package io.hull.customerio.account;

import io.hull.customerio.sync.Segments;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.springframework.stereotype.Component;

/**
 * Filter {@code in-whitelisted-account-segments} of route sync-account: the account is in one of the segments of
 * {@code synchronized_account_segments} (with Customer.io credentials to send it with). Otherwise it is skipped, with
 * the reason; an account that left every segment may still be deleted ({@link ObjectToDelete}).
 */
@Component("inWhitelistedAccountSegments")
public class InWhitelistedAccountSegments implements Predicate {

    @Override
    public boolean matches(Exchange exchange) {
        AccountSync account = exchange.getProperty(AccountSync.PROPERTY, AccountSync.class);
        if (account.context().customerIo() == null) {
            account.skip("no Customer.io credentials: set site_id and api_key");
            return false;
        }
        if (account.settings().synchronizedAccountSegments().isEmpty()) {
            account.skip("no account segment is whitelisted (synchronized_account_segments is empty)");
            return false;
        }
        if (Segments.firstIn(account.message().path("account_segments"), account.settings().synchronizedAccountSegments()) != null) {
            return true;
        }
        account.outsideSegments("not in any synchronized account segment");
        return false;
    }
}
