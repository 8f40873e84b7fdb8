package io.hull.customerio.account;

import io.hull.customerio.customerio.CustomerMapper;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.springframework.stereotype.Component;

/**
 * Filter {@code identified-account} of route sync-account: the account has a value for {@code account_id_mapping}
 * (the object id) that can go into a Customer.io call. Otherwise it is skipped with the reason.
 */
@Component("identifiedAccount")
public class IdentifiedAccount implements Predicate {

    @Override
    public boolean matches(Exchange exchange) {
        AccountSync account = exchange.getProperty(AccountSync.PROPERTY, AccountSync.class);
        String mapping = account.settings().accountIdMapping();
        Optional<String> objectId = CustomerMapper.idValue(account.account(), mapping);
        if (objectId.isEmpty()) {
            account.skip("no value for the account id attribute '" + mapping + "'");
            return false;
        }
        String unusable = CustomerMapper.unusableId(objectId.get());
        if (unusable != null) {
            account.skip("the value of the account id attribute '" + mapping + "' " + unusable);
            return false;
        }
        account.objectId(objectId.get());
        return true;
    }
}
