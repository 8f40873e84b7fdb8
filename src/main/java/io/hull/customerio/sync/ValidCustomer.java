package io.hull.customerio.sync;

import io.hull.customerio.customerio.CustomerValidator;
import java.util.List;
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
        Customizations.Left left = customizations.left(exchange, "customize-customer", "customer");
        if (left.skipReason() != null) {
            user.skip(left.skipReason());
            return false;
        }
        if (left.invalid() != null) {
            user.invalid(left.invalid());
            return false;
        }
        user.customerId(left.id());
        List<String> problems = validator.problems(left.id(), left.attributes(), user.settings());
        if (!problems.isEmpty()) {
            user.invalid(String.join("; ", problems));
            return false;
        }
        exchange.getMessage().setBody(left.attributes());
        return true;
    }
}
