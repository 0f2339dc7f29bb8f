// The load generator, run as its own process so it never competes with a server's event loop:
// autocannon posting the complaint form to URL with C connections for S seconds; prints one
// JSON line. A post counts as done when it is answered 2xx or 3xx (the form answers a good
// post with a redirect to its confirmation page); anything else is counted as failed.
import autocannon from 'autocannon';
import { complaintForm, FORM_CONTENT_TYPE } from './payload';

const [url, connections, seconds] = process.argv.slice(2);
let n = 0;

const result = await autocannon({
  url: url!,
  connections: Number(connections),
  duration: Number(seconds),
  requests: [
    {
      method: 'POST',
      headers: { 'content-type': FORM_CONTENT_TYPE, 'accept-language': 'zh-CN,zh;q=0.9' },
      setupRequest: (req) => ({ ...req, body: complaintForm(n++) }),
    },
  ],
});
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
