/** Kept apart from run.ts so that printing help does not load the agent. */
export const RUN_USAGE = `berth-agent run [--storage DIR] [--name NAME] [--server URL] [--config FILE] [--source-root DIR]... [--api-port PORT]

Hosts the agent in this process until SIGINT or SIGTERM, which stop every slot with its shutdown
commands and keep their desired state, so they come back at the next start. The local API (for the
other berth-agent commands) and the window listen on 127.0.0.1, on --api-port or a free port; the
login link printed at start opens the window in a browser ('berth-agent open' prints a new one).`;
