package io.hull.customerio.sync;

import org.springframework.stereotype.Component;

/**
 * The predicates route {@code customerio-user-sync} chooses a user's Customer.io call with.
 *
 * <p>Why not {@code simple: "${body.action} == 'SKIP'"}: measured (docs/benchmarks.md, item 7), those three
 * comparisons took about 40 % of the connector's CPU. Simple compares the enum with the text by asking
 * Camel's type converter registry for a String → enum converter, a lookup Camel does not cache when it
 * misses, so every comparison scanned every converter; and {@code ${body.action}} builds a bean
 * introspection per evaluation, hashing the whole task. A bean method is bound once and called directly.
 */
@Component("userSyncActions")
public class UserSyncActions {

    public boolean isSkip(UserSyncTask task) {
        return task.action() == UserSyncTask.Action.SKIP;
    }

    public boolean isInvalid(UserSyncTask task) {
        return task.action() == UserSyncTask.Action.INVALID;
    }

    public boolean isDelete(UserSyncTask task) {
        return task.action() == UserSyncTask.Action.DELETE;
    }
}
