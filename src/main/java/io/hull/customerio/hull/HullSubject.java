package io.hull.customerio.hull;

import java.util.Map;

/**
 * Who a firehose entry and a decision log line are about: a Hull user ({@link UserClaims}) or a Hull account
 * ({@link AccountClaims}), by Hull's standard claims.
 */
public interface HullSubject {

    /** {@code user} or {@code account}: the JWT's {@code io.hull.subjectType}, and the log line's context key. */
    String subjectType();

    /** The claims as Hull names them, without the missing ones. */
    Map<String, Object> asMap();
}
