package io.hull.customerio.sync;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hull.customerio.config.CustomerIoProperties;
import org.springframework.stereotype.Component;

/**
 * What this process last wrote to Customer.io for a customer, per site: the hash of its payload, remembered once Hull
 * has the sync state too (the write-back). A notification Hull sends again after a partial failure still carries the
 * old {@code customerio/hash} of the users that did succeed; with this, they are skipped instead of identified again.
 *
 * <p>At most {@code customerio.synced-hashes} customers (Caffeine, least recently used out), about 100 bytes each:
 * the key is a 64-bit mix of the site and customer ids, the value the first 64 bits of the payload's hash. Two keys
 * that mix to the same number only forget each other; a wrong skip would need the payloads' hashes to match too, and
 * the payload hash covers the customer id. In kafka mode a site's records live on one partition, so the consumer that
 * owns it remembers them.
 */
@Component("syncedHashes")
public class SyncedHashes {

    private final Cache<Long, Long> hashes;

    public SyncedHashes(CustomerIoProperties customerIo) {
        this.hashes = customerIo.getSyncedHashes() > 0
                ? Caffeine.newBuilder().maximumSize(customerIo.getSyncedHashes()).build()
                : null;
    }

    /** True when {@code hash} is what was last written to this site for this customer. */
    public boolean isCurrent(String siteId, String customerId, String hash) {
        if (hashes == null || hash == null) {
            return false;
        }
        Long written = hashes.getIfPresent(key(siteId, customerId));
        return written != null && written == prefix(hash);
    }

    /** Customer.io and Hull both have this payload now. */
    public void written(String siteId, String customerId, String hash) {
        if (hashes != null && hash != null) {
            hashes.put(key(siteId, customerId), prefix(hash));
        }
    }

    /** The customer was deleted: whatever it is sent next goes out. */
    public void forget(String siteId, String customerId) {
        if (hashes != null) {
            hashes.invalidate(key(siteId, customerId));
        }
    }

    /** Forgets every customer: the next payload of each goes out (tests that send the same users again). */
    public void forgetAll() {
        if (hashes != null) {
            hashes.invalidateAll();
        }
    }

    private static long key(String siteId, String customerId) {
        long h = siteId.hashCode() * 0x9E3779B97F4A7C15L;
        return (h ^ (h >>> 29)) + customerId.hashCode() * 0xC2B2AE3D27D4EB4FL + customerId.length();
    }

    /** The first 64 bits of the hex SHA-256 (a hash that is not hex is compared whole by its own hashCode). */
    private static long prefix(String hash) {
        try {
            return Long.parseUnsignedLong(hash.substring(0, Math.min(16, hash.length())), 16);
        } catch (NumberFormatException e) {
            return hash.hashCode();
        }
    }
}
