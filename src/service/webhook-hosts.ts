// Where a webhook may be delivered. The service posts to URLs its integrators give it, from inside
// the brokerage's network: a URL naming the machine itself (127.0.0.1, localhost) or a link-local
// address (169.254.169.254, a cloud's metadata service) would have it post, and report the answer's
// status, where no integrator should reach. Link-local and unspecified addresses are never taken;
// loopback and private ones only where the operator allows them (ANXIN_WEBHOOKS_TO_PRIVATE=allow,
// for receivers inside the brokerage's own network). A host name is checked by what it resolves to
// before each delivery; one that resolves elsewhere between that check and the post (DNS
// rebinding) is not caught (docs/service.md).
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

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

/** Why a delivery to this URL may not be made now, having resolved its host; or null. */
export async function refusedDelivery(url: string, hosts: WebhookHosts): Promise<string | null> {
  const refused = refusedUrl(url, hosts);
  if (refused !== null) return refused;
  const hostname = hostOf(url)!;
  if (isIP(hostname) !== 0) return null;
  const addresses = await lookup(hostname, { all: true });
  for (const { address } of addresses) {
    const why = refusedAddress(address, hosts);
    if (why !== null) return `${hostname} resolves to ${why}`;
  }
  return null;
}
