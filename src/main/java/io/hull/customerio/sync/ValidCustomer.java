package io.hull.customerio.sync;

import io.hull.customerio.customerio.CustomerMapper;
import io.hull.customerio.customerio.CustomerValidator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.springframework.stereotype.Component;

/**
 * Filter {@code valid-customer} of route sync-user, after the engineer's {@code customize-customer}: a user that step
 * skipped (property {@code skipReason}) goes no further; the customer it left must be a JSON object with a usable
 * {@code id} and within the length limits of the settings (every problem is said). From here on the body is the
 * customer's attributes, without the id (the path of the calls carries it).
 */
@Component("validCustomer")
public class ValidCustomer implements Predicate {

    private final Customizations customizations;
    private final CustomerValidator validator;

    public ValidCustomer(Customizations customizations, CustomerValidator validator) {
        this.customizations = customizations;
        this.validator = validator;
    }

    @Override
    public boolean matches(Exchange exchange) {
        UserSync user = exchange.getProperty(UserSync.PROPERTY, UserSync.class);
        String failure = exchange.getProperty(Customizations.FAILURE, String.class);
        if (failure != null) {
            user.invalid(failure);
            return false;
        }
        String skipReason = exchange.getProperty(UserSync.SKIP_REASON, String.class);
        if (skipReason != null) {
            user.skip(skipReason);
            return false;
        }
        Object body = exchange.getMessage().getBody();
        Map<String, Object> customer = customizations.asMap(body);
        if (customer == null) {
            user.invalid("customize-customer left " + Customizations.describe(body) + ", not a customer (a JSON object)");
            return false;
        }
        Object id = customer.get("id");
        if (!(id instanceof String || id instanceof Number) || id.toString().isBlank()) {
            user.invalid("the customer has no id (a string or a number)");
            return false;
        }
        String customerId = id.toString();
        String unusable = CustomerMapper.unusableId(customerId);
        if (unusable != null) {
            user.invalid("the customer's id " + unusable);
            return false;
        }
        Map<String, Object> attributes = new LinkedHashMap<>(customer);
        attributes.remove("id");
        List<String> problems = validator.problems(customerId, attributes, user.settings());
        if (!problems.isEmpty()) {
            user.customerId(customerId);
            user.invalid(String.join("; ", problems));
            return false;
        }
        user.customerId(customerId);
        exchange.getMessage().setBody(attributes);
        return true;
    }
}
