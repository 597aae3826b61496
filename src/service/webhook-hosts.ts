// Where a webhook may be delivered. The service posts to URLs its integrators give it, from inside
// the brokerage's network: a URL naming the machine itself (127.0.0.1, localhost) or a link-local
// address (169.254.169.254, a cloud's metadata service) would have it post, and report the answer's
// status, where no integrator should reach. Link-local and unspecified addresses are never taken;
// loopback and private ones only where the operator allows them (ANXIN_WEBHOOKS_TO_PRIVATE=allow,
// for receivers inside the brokerage's own network). A host name is checked by what it resolves to
// when a delivery connects, in the connection's own look-up: checked in a look-up of its own
// before the post, a name could resolve elsewhere for the post (DNS rebinding).
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from "node:dns";
import { BlockList, isIP } from "node:net";
import { Agent } from "undici";

export type WebhookHosts = "public" | "private-allowed";

const never = new BlockList();
never.addSubnet("169.254.0.0", 16, "ipv4"); // link-local, cloud metadata
never.addSubnet("0.0.0.0", 8, "ipv4");
never.addSubnet("fe80::", 10, "ipv6");
never.addAddress("::", "ipv6");

const privateOnes = new BlockList();
for (const [network, prefix] of [["127.0.0.0", 8], ["10.0.0.0", 8], ["172.16.0.0", 12], ["192.168.0.0", 16], ["100.64.0.0", 10]] as const) {
  privateOnes.addSubnet(network, prefix, "ipv4");
}
privateOnes.addAddress("::1", "ipv6");
privateOnes.addSubnet("fc00::", 7, "ipv6");

/** Why a delivery may not go to this address, or null. */
export function refusedAddress(address: string, hosts: WebhookHosts): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1]; // an IPv4 address written as IPv6
  const ip = mapped ?? address;
  const family = isIP(ip) === 6 ? "ipv6" : "ipv4";
  if (never.check(ip, family)) return `${address} is link-local or unspecified`;
  if (hosts === "public" && privateOnes.check(ip, family)) return `${address} is a loopback or private address (allowed only with ANXIN_WEBHOOKS_TO_PRIVATE=allow)`;
  return null;
}

/** The URL's host, an IPv6 address without its brackets; null if it is not a URL. */
function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return null;
  }
}

/** Why a webhook may not be registered for this URL, judged without resolving it; or null. */
export function refusedUrl(url: string, hosts: WebhookHosts): string | null {
  const hostname = hostOf(url);
  if (hostname === null) return `${url} is not a URL`;
  if (isIP(hostname) !== 0) return refusedAddress(hostname, hosts);
  if (hosts === "public" && (hostname === "localhost" || hostname.endsWith(".localhost"))) return `${hostname} is this machine`;
  return null;
}

/** How a host name is resolved: Node's dns.lookup, every address. */
export type Resolve = (hostname: string, options: LookupAllOptions, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/**
 * What delivers webhooks: connections whose host name is resolved, and every address it resolves
 * to checked, in the connection's own look-up, so that the address checked is the address posted
 * to. A URL naming an address is checked by refusedUrl, as connections make no look-up for it.
 */
export function deliveryAgent(hosts: WebhookHosts, resolve: Resolve = dnsLookup): Agent {
  const lookup = (hostname: string, options: { all?: boolean }, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error !== null) return callback(error, "");
      if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} resolves to no address`), { code: "ENOTFOUND" }), "");
      const refused = addresses.map(({ address }) => refusedAddress(address, hosts)).find((why) => why !== null);
      if (refused !== undefined) return callback(Object.assign(new Error(`${hostname} resolves to ${refused}`), { code: "ERR_WEBHOOK_ADDRESS" }), "");
      if (options.all === true) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
  return new Agent({ connect: { lookup } });
}
