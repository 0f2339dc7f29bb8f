// The load generator, run as its own process so it never competes with a server's event loop:
// autocannon posting the complaint form to URL with C connections for S seconds; prints one
// JSON line. A post counts as done when it is answered 2xx or 3xx (the form answers a good
// post with a redirect to its confirmation page); anything else is counted as failed.
// An optional RATE (requests/s) offers a fixed load instead of as much as the server takes: one
// post every 1/RATE s, evenly paced, over at most C connections (autocannon's own overallRate
// sends each second's posts in one burst, which measures the burst, not the rate). Latency is
// counted from when each post was due, so a server falling behind shows it (no coordinated
// omission).
import http from 'node:http';
import autocannon, { type RawRequest } from 'autocannon';
import { complaintForm, FORM_CONTENT_TYPE } from './payload';

const [url, connections, seconds, rate] = process.argv.slice(2);
let n = 0;
const HEADERS = { 'content-type': FORM_CONTENT_TYPE, 'accept-language': 'zh-CN,zh;q=0.9' };

if (rate) {
  process.stdout.write(`${JSON.stringify(await paced(Number(rate)))}\n`);
  process.exit(0);
}

function post(agent: http.Agent, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url!, { method: 'POST', agent, headers: { ...HEADERS, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function paced(perSecond: number) {
  // FIFO: every open connection is used in turn, so none sits idle past the server's keep-alive
  // timeout (5 s) to be reused just as the server closes it (an ECONNRESET that is the client's doing).
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number(connections), scheduling: 'fifo' });
  const total = Math.round(perSecond * Number(seconds));
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      post(agent, complaintForm(n++)).then(
        (status) => {
          latencies.push(performance.now() - due);
          statuses[status] = (statuses[status] ?? 0) + 1;
        },
        () => void errors++,
      ),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  const done = Object.entries(statuses).reduce((sum, [s, c]) => (Number(s) >= 200 && Number(s) < 400 ? sum + c : sum), 0);
  return { rps: done / elapsed, total: done, p50: at(0.5), p99: at(0.99), max: at(1), failed: total - done - errors, statuses, errors, timeouts: 0 };
}

const options = {
  url: url!,
  connections: Number(connections),
  duration: Number(seconds),
  requests: [
    {
      method: 'POST',
      headers: HEADERS,
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
