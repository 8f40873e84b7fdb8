package io.hull.customerio.account;

import io.hull.customerio.customerio.CustomerMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/** Step {@code map-object} of route object-stages: the Customer.io object of a Hull account. */
@Component("accountMapper")
public class AccountMapper {

    private final CustomerMapper mapper;

    public AccountMapper(CustomerMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * The object as it will be sent: a mutable Map, {@code id} first (the object id), then {@code hull_segments} and
     * the whitelisted attributes ({@code synchronized_account_attributes}), renamed and converted as users' are.
     */
    public Map<String, Object> object(@ExchangeProperty(AccountSync.PROPERTY) AccountSync account) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("id", account.objectId());
        object.putAll(mapper.objectAttributes(account.account(),
                CustomerMapper.segmentNames(account.message().path("account_segments")),
                account.settings().synchronizedAccountAttributes()));
        return object;
    }
}
