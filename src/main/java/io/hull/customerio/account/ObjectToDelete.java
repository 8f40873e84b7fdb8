package io.hull.customerio.account;

import io.hull.customerio.customerio.CustomerMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.springframework.stereotype.Component;

/**
 * Filter {@code left-every-account-segment} of route sync-account: an account outside every whitelisted account
 * segment is deleted from Customer.io when {@code enable_account_deletion} is on, it was sent before (Hull holds its
 * {@code customerio/id}, the object deleted) and not deleted since.
 */
@Component("objectToDelete")
public class ObjectToDelete implements Predicate {

    @Override
    public boolean matches(Exchange exchange) {
        AccountSync account = exchange.getProperty(AccountSync.PROPERTY, AccountSync.class);
        if (!account.outsideSegments() || !account.settings().enableAccountDeletion()) {
            return false;
        }
        String objectId = AccountSyncState.text(account.account(), AccountSyncState.ID);
        if (objectId == null) {
            account.skip("not in any synchronized account segment and never sent to Customer.io");
            return false;
        }
        if (AccountSyncState.text(account.account(), AccountSyncState.DELETED_AT) != null) {
            account.skip("not in any synchronized account segment and already deleted from Customer.io");
            return false;
        }
        String unusable = CustomerMapper.unusableId(objectId);
        if (unusable != null) {
            account.skip("left every synchronized account segment but its object id " + unusable);
            return false;
        }
        String writtenType = AccountSyncState.text(account.account(), AccountSyncState.OBJECT_TYPE_ID);
        account.delete(objectId, writtenType != null ? writtenType : account.settings().objectTypeId());
        return true;
    }
}
