package io.hull.customerio.hull;

import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Headers;
import org.apache.camel.component.http.HttpMethods;
import org.springframework.stereotype.Component;

/**
 * The headers of every call to Hull's API, in one place: steps {@code hull-request-headers} (route hull-firehose) and
 * {@code status-request-headers} (the status report). Of the exchange's headers only these go out: the HTTP method, a JSON
 * {@code Content-Type} and the connector's {@code Hull-App-Id}, {@code Hull-Organization} and
 * {@code Hull-Access-Token} (its secret), from exchange property {@value #CREDENTIALS_PROPERTY}.
 */
@Component("hullRequestHeaders")
public class HullRequestHeaders {

    /** Exchange property holding the {@link HullCredentials} of the call. */
    public static final String CREDENTIALS_PROPERTY = "hull";

    /** {@code method}: the HTTP method, e.g. {@code POST}. */
    public void set(String method, @ExchangeProperty(CREDENTIALS_PROPERTY) HullCredentials hull,
                    @Headers Map<String, Object> headers) {
        headers.clear();
        headers.put(Exchange.HTTP_METHOD, HttpMethods.valueOf(method));
        headers.put(Exchange.CONTENT_TYPE, "application/json");
        headers.put("Hull-App-Id", hull.connectorId());
        headers.put("Hull-Organization", hull.organization());
        headers.put("Hull-Access-Token", hull.secret());
    }
}
