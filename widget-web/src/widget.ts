//! The embeddable chat widget (placeholder): talks to VisitorService and answers the
//! commands a host page queues through `window.Porthole(...)`. The UI comes later.

import {
  createClient,
  createPortholeTransport,
  type TokenGetter,
  VisitorService,
  type WidgetConfig,
} from "@porthole/client/visitor";

/** A VisitorService client over grpc-web; `getToken` supplies the visitor token. */
export function createVisitorClient(baseUrl: string, getToken?: TokenGetter) {
  return createClient(
    VisitorService,
    createPortholeTransport(baseUrl, getToken ? { getToken } : {}),
  );
}

/** Options of the `boot` command. */
export interface BootOptions {
  /** The widget's public token from the embed snippet. */
  widgetToken: string;
  /** The Porthole server; defaults to the origin this script was loaded from. */
  baseUrl?: string;
}

/** The command function a host page calls, with the calls queued before the widget loaded. */
export interface CommandQueue {
  (command: string, ...args: unknown[]): void;
  q?: ArrayLike<unknown>[];
}

let config: Promise<WidgetConfig | undefined> | undefined;

function boot(options: BootOptions): void {
  const client = createVisitorClient(options.baseUrl ?? new URL(import.meta.url).origin);
  config = client
    .getWidgetConfig({ widgetToken: options.widgetToken })
    .then((response) => response.config);
}

function run(command: unknown, args: unknown[]): void {
  if (command === "boot") {
    boot(args[0] as BootOptions);
  } else {
    console.warn(`Porthole: unknown command ${String(command)}`);
  }
}

/**
 * Replays the queued commands, then handles new ones directly. Returns the function the
 * loader installs as `window.Porthole`.
 */
export function start(queued: ArrayLike<unknown>[] = []): CommandQueue {
  for (const call of queued) {
    const [command, ...args] = Array.from(call);
    run(command, args);
  }
  return (command, ...args) => run(command, args);
}

/** The widget configuration fetched by `boot`, once it has arrived. */
export function widgetConfig(): Promise<WidgetConfig | undefined> {
  return config ?? Promise.resolve(undefined);
}
