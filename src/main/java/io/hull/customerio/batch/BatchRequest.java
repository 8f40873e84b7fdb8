package io.hull.customerio.batch;

import java.net.URI;

/** A checked {@code POST /batch}: the extract to fetch, already known to be on an allowed host. */
public record BatchRequest(URI url) {
}
