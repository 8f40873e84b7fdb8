package io.hull.customerio.sync;

import com.fasterxml.jackson.databind.JsonNode;
import io.hull.customerio.customerio.CustomerMapper;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperties;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * Step {@code read-hull-user} of route sync-user: the user of a notification message, as the stages and the
 * engineer's steps read it.
 */
@Component("hullUsers")
public class HullUsers {

    /**
     * Property {@value UserSync#PROPERTY}: the user's {@link UserSync}; beside it the properties routes/customize.yaml
     * reads: {@code hullUser} and {@code hullAccount} (read-only Maps, the account empty when there is none) and
     * {@code hullSegments} (the names of the user's segments). The body stays the message.
     */
    public void read(@Body JsonNode message, @ExchangeProperty(UserSync.CONTEXT) NotificationContext context,
                         @ExchangeProperties Map<String, Object> properties) {
        if (context == null) {
            throw new IllegalStateException("route sync-user needs exchange property " + UserSync.CONTEXT);
        }
        properties.put(UserSync.HULL_USER, JsonMaps.of(message.path("user")));
        properties.put(UserSync.HULL_ACCOUNT, JsonMaps.of(message.path("account")));
        properties.put(UserSync.HULL_SEGMENTS, CustomerMapper.segmentNames(message.path("segments")));
        properties.remove(UserSync.SKIP_REASON);
        properties.remove(Customizations.FAILURE);
        properties.remove(UserSyncResults.USER_RESULT);
        properties.put(UserSync.PROPERTY, new UserSync(context, message));
    }
}
