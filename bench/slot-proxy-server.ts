/**
 * A SlotProxy alone in its process, pointed at a healthy Target on the port given: the proxy
 * bench's Berth contender, and what to profile (`node --cpu-prof`) while wrk drives it. Tells its
 * parent the port it listens on (loopback, chosen by the OS) and closes on SIGTERM, which lets
 * --cpu-prof write its profile.
 *
 * Run alone: npx tsx bench/slot-proxy-server.ts <upstream port>
 */
import { SlotMetricsHistory, SlotProxy, Target } from '../agent-core/traffic';

const upstreamPort = Number(process.argv[2]);
const proxy = new SlotProxy({ name: 'bench' });
const port = await proxy.listen({ port: 0, host: '127.0.0.1' });
const target = new Target({ port: upstreamPort, color: 'blue', deploymentId: 'dep_bench' });
target.markHealthy();
proxy.setTarget(target);
// Metrics on, stepping once a second, as in the agent.
const metrics = new SlotMetricsHistory();
metrics.setLive(target);
if (process.send) process.send({ port });
else console.log(`SlotProxy on 127.0.0.1:${port} → 127.0.0.1:${upstreamPort}`);

process.once('SIGTERM', () => {
  target.stop();
  metrics.close();
  void proxy.close().then(() => process.exit(0));
});
