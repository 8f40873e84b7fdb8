package io.hull.customerio.sync;

import io.hull.customerio.customerio.CustomerIoCredentials;
import io.hull.customerio.hull.HullCredentials;

/**
 * What every user of one notification shares: where to write back in Hull, which Customer.io
 * workspace to send to ({@code null} when no credentials are configured), and the settings.
 */
public record NotificationContext(HullCredentials hull, CustomerIoCredentials customerIo, SyncSettings settings) {
}
