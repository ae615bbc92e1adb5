// Preloaded into an agent process by the test driver (`--import`): reports every outgoing TCP/TLS
// connection and every DNS lookup on stderr, so a test can check that an agent reached nothing but
// the model endpoint it was given. It observes only; every call goes through unchanged.
import dns from 'node:dns';
import net from 'node:net';
import tls from 'node:tls';

const report = (kind, host, port) =>
  process.stderr.write(`[network-spy] ${kind} ${host ?? '?'}:${port ?? '?'}\n`);

function target(args) {
  const [first, second] = args;
  if (typeof first === 'object' && first !== null) {
    if (first.path) return { host: `unix:${first.path}`, port: '' };
    return { host: first.host ?? first.servername ?? 'localhost', port: first.port };
  }
  if (typeof first === 'number' || /^\d+$/.test(String(first))) {
    return { host: typeof second === 'string' ? second : 'localhost', port: first };
  }
  return { host: `unix:${first}`, port: '' };
}

for (const [module, name, kind] of [
  [net, 'connect', 'tcp'],
  [net, 'createConnection', 'tcp'],
  [tls, 'connect', 'tls'],
]) {
  const original = module[name];
  module[name] = function spied(...args) {
    const { host, port } = target(args);
    report(kind, host, port);
    return original.apply(this, args);
  };
}

const lookup = dns.lookup;
dns.lookup = function spiedLookup(hostname, ...rest) {
  report('dns', hostname, '');
  return lookup.call(this, hostname, ...rest);
};
const promisesLookup = dns.promises.lookup;
dns.promises.lookup = function spiedPromisesLookup(hostname, ...rest) {
  report('dns', hostname, '');
  return promisesLookup.call(this, hostname, ...rest);
};
