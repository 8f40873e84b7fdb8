package io.hull.customerio.sync;

import io.hull.customerio.customerio.CustomerMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.springframework.stereotype.Component;

/**
 * Filter {@code merge-former-person} of route customer-stages, after the identify was accepted: the user was sent
 * before under another id ({@code traits_customerio/id}; its id attribute changed: a new email with
 * {@code user_id_mapping: email}, an {@code external_id} given later) and {@code merge_customers_on_id_change} is on:
 * the former person is merged into the new one, so Customer.io holds (and bills, and emails) one person.
 */
@Component("mergeFormerPerson")
public class MergeFormerPerson implements Predicate {

    @Override
    public boolean matches(Exchange exchange) {
        UserSync user = exchange.getProperty(UserSync.PROPERTY, UserSync.class);
        // unsuppressed just now: the former person was deleted by the suppression, nothing to merge
        if (!user.settings().mergeCustomersOnIdChange() || !user.identifies() || user.unsuppressed()) {
            return false;
        }
        String former = SyncStateTraits.text(user.user(), SyncStateTraits.SENT_ID);
        if (former == null || former.equals(user.customerId()) || CustomerMapper.unusableId(former) != null) {
            return false;
        }
        user.mergeFrom(former);
        return true;
    }
}
