package io.hull.customerio.account;

import io.hull.customerio.customerio.CustomerMapper;
import io.hull.customerio.customerio.CustomerValidator;
import io.hull.customerio.sync.Customizations;
import io.hull.customerio.sync.UserSync;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        String failure = exchange.getProperty(Customizations.FAILURE, String.class);
        if (failure != null) {
            account.invalid(failure);
            return false;
        }
        String skipReason = exchange.getProperty(UserSync.SKIP_REASON, String.class);
        if (skipReason != null) {
            account.skip(skipReason);
            return false;
        }
        Object body = exchange.getMessage().getBody();
        Map<String, Object> object = customizations.asMap(body);
        if (object == null) {
            account.invalid("customize-account left " + Customizations.describe(body) + ", not an object (a JSON object)");
            return false;
        }
        Object id = object.get("id");
        if (!(id instanceof String || id instanceof Number) || id.toString().isBlank()) {
            account.invalid("the object has no id (a string or a number)");
            return false;
        }
        String objectId = id.toString();
        String unusable = CustomerMapper.unusableId(objectId);
        if (unusable != null) {
            account.invalid("the object's id " + unusable);
            return false;
        }
        Map<String, Object> attributes = new LinkedHashMap<>(object);
        attributes.remove("id");
        account.objectId(objectId);
        List<String> problems = validator.problems(objectId, attributes, account.context().settings());
        if (!problems.isEmpty()) {
            account.invalid(String.join("; ", problems));
            return false;
        }
        exchange.getMessage().setBody(attributes);
        return true;
    }
}
