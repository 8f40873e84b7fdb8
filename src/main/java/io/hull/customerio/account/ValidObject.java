package io.hull.customerio.account;

import io.hull.customerio.customerio.CustomerValidator;
import io.hull.customerio.sync.Customizations;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.springframework.stereotype.Component;

/**
 * Filter {@code valid-object} of route object-stages, after the engineer's {@code customize-account}: an account that
 * step skipped (property {@code skipReason}) goes no further; the object it left must be a JSON object with a usable
 * {@code id} and within the users' length limits (every problem is said). From here on the body is the object's
 * attributes, without the id.
 */
@Component("validObject")
public class ValidObject implements Predicate {

    private final Customizations customizations;
    private final CustomerValidator validator;

    public ValidObject(Customizations customizations, CustomerValidator validator) {
        this.customizations = customizations;
        this.validator = validator;
    }

    @Override
    public boolean matches(Exchange exchange) {
        AccountSync account = exchange.getProperty(AccountSync.PROPERTY, AccountSync.class);
        Customizations.Left left = customizations.left(exchange, "customize-account", "object");
        if (left.skipReason() != null) {
            account.skip(left.skipReason());
            return false;
        }
        if (left.invalid() != null) {
            account.invalid(left.invalid());
            return false;
        }
        account.objectId(left.id());
        List<String> problems = validator.problems(left.id(), left.attributes(), account.context().settings());
        if (!problems.isEmpty()) {
            account.invalid(String.join("; ", problems));
            return false;
        }
        exchange.getMessage().setBody(left.attributes());
        return true;
    }
}
