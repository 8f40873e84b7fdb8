package io.hull.customerio.account;

import com.fasterxml.jackson.databind.JsonNode;
import io.hull.customerio.customerio.CustomerMapper;
import io.hull.customerio.sync.Customizations;
import io.hull.customerio.sync.JsonMaps;
import io.hull.customerio.sync.NotificationContext;
import io.hull.customerio.sync.UserSync;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperties;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * Step {@code read-hull-account} of route sync-account: the account of an account:update message, as the stages and
 * the engineer's steps (customize-account) read it.
 */
@Component("hullAccounts")
public class HullAccounts {

    /**
     * Property {@value AccountSync#PROPERTY}: the account's {@link AccountSync}; beside it {@code hullAccount} (a
     * read-only Map) and {@code hullAccountSegments} (the names of its segments). The body stays the message.
     */
    public void read(@Body JsonNode message, @ExchangeProperty(UserSync.CONTEXT) NotificationContext context,
                     @ExchangeProperties Map<String, Object> properties) {
        if (context == null) {
            throw new IllegalStateException("route sync-account needs exchange property " + UserSync.CONTEXT);
        }
        properties.put(UserSync.HULL_ACCOUNT, JsonMaps.of(message.path("account")));
        properties.put(AccountSync.HULL_ACCOUNT_SEGMENTS, CustomerMapper.segmentNames(message.path("account_segments")));
        properties.remove(UserSync.SKIP_REASON);
        properties.remove(Customizations.FAILURE);
        properties.remove(AccountSyncResults.ACCOUNT_RESULT);
        properties.put(AccountSync.PROPERTY, new AccountSync(context, message));
    }
}
