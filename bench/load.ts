// The load generator, run as its own process so it never competes with a server's event loop:
// autocannon posting complaints to URL with C connections for S seconds; prints one JSON line.
import autocannon from 'autocannon';
import { complaintBody } from './payload';

const [url, connections, seconds, token] = process.argv.slice(2);
let n = 0;
const headers: Record<string, string> = { 'content-type': 'application/json' };
if (token) headers.authorization = `Bearer ${token}`;

const result = await autocannon({
  url: url!,
  connections: Number(connections),
  duration: Number(seconds),
  requests: [
    {
      method: 'POST',
      headers,
      setupRequest: (req) => ({ ...req, body: complaintBody(n++) }),
    },
  ],
});
process.stdout.write(
  `${JSON.stringify({
    rps: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  })}\n`,
);
