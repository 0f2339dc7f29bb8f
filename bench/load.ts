// The load generator, run as its own process so it never competes with a server's event loop:
// autocannon posting the complaint form to URL with C connections for S seconds; prints one
// JSON line. A post counts as done when it is answered 2xx or 3xx (the form answers a good
// post with a redirect to its confirmation page); anything else is counted as failed.
// An optional RATE (requests/s over all connections) offers a fixed load instead of as much as
// the server takes; latency is then counted from when each request was due to be sent
// (autocannon's correction for coordinated omission), so a server falling behind shows it.
import autocannon, { type RawRequest } from 'autocannon';
import { complaintForm, FORM_CONTENT_TYPE } from './payload';

const [url, connections, seconds, rate] = process.argv.slice(2);
let n = 0;

const options = {
  url: url!,
  connections: Number(connections),
  duration: Number(seconds),
  // Not in bench/autocannon.d.ts's Options (passed as a variable, so no excess-property check).
  ...(rate ? { overallRate: Math.max(1, Math.round(Number(rate))) } : {}),
  requests: [
    {
      method: 'POST',
      headers: { 'content-type': FORM_CONTENT_TYPE, 'accept-language': 'zh-CN,zh;q=0.9' },
      setupRequest: (req: RawRequest) => ({ ...req, body: complaintForm(n++) }),
    },
  ],
};
const result = await autocannon(options);
const done = result['2xx'] + result['3xx'];
process.stdout.write(
  `${JSON.stringify({
    rps: done / Number(seconds),
    total: done,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.requests.total - done,
    statuses: Object.fromEntries(Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count])),
    errors: result.errors,
    timeouts: result.timeouts,
  })}\n`,
);
