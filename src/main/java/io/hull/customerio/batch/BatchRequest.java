package io.hull.customerio.batch;

import java.net.URI;

/**
 * A checked {@code POST /batch}: the extract to fetch, already known to be on an allowed host, and whether it holds
 * accounts ({@code object_type: account_report}) rather than users ({@code user_report}).
 */
public record BatchRequest(URI url, boolean accounts) {
}
