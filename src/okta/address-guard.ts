import dns from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses an Okta org never lives at: loopback, private, link-local (cloud metadata), CGNAT,
 * unspecified, and their IPv6 counterparts. A custom domain that resolves to one of them is refused
 * at connect time, so a stored configuration cannot be pointed at an internal service.
 */
export function internalAddresses(): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16], ['192.0.0.0', 24], ['198.18.0.0', 15]] as const)
    list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['64:ff9b::', 96]] as const) list.addSubnet(net, prefix, 'ipv6');
  return list;
}

export function isInternalAddress(address: string, list: BlockList = internalAddresses()): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 6 && address.toLowerCase().startsWith('::ffff:')) {
    const v4 = address.slice(7);
    if (isIP(v4) === 4) return list.check(v4, 'ipv4');
  }
  return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;
type Lookup = (hostname: string, options: dns.LookupOptions, callback: LookupCallback) => void;

/** A `lookup` for net/tls.connect that fails with EPRIVATEADDR when a name resolves to an internal address. */
export function guardedLookup(resolve: Lookup = dns.lookup as unknown as Lookup): Lookup {
  const list = internalAddresses();
  return (hostname, options, callback) => {
    resolve(hostname, options, (err, address, family) => {
      if (err) return callback(err, address, family);
      const all = Array.isArray(address) ? address.map((a) => a.address) : [address];
      const bad = all.find((a) => isInternalAddress(a, list));
      if (bad) {
        const e: NodeJS.ErrnoException = new Error(`${hostname} resolves to the internal address ${bad}; okta-action only connects to Okta orgs on public addresses`);
        e.code = 'EPRIVATEADDR';
        return callback(e, address, family);
      }
      callback(null, address, family);
    });
  };
}
